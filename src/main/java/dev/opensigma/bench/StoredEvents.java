package dev.opensigma.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** The durability check: every event the server acknowledged must be in {@code events}. */
final class StoredEvents {

    private static final String FIND = "select id from events where id = any(?)";

    private StoredEvents() {
    }

    /** The ids among {@code acknowledged} that are not stored. */
    static List<String> missing(DataSource dataSource, List<String> acknowledged) throws SQLException {
        Set<String> found = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FIND)) {
            Array ids = c.createArrayOf("text", acknowledged.toArray());
            s.setArray(1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return acknowledged.stream().filter(id -> !found.contains(id)).toList();
    }
}
