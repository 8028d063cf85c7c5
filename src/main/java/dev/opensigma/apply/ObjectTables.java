package dev.opensigma.apply;

import dev.opensigma.stripe.ObjectTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** Makes sure each object type has its table before versions of it are written. */
final class ObjectTables {

    private static final String KNOWN = "select object_type from object_types";
    private static final String ENSURE = "select ensure_object_table(?, ?)";

    private final DataSource dataSource;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    ObjectTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void load() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(KNOWN)) {
            while (rs.next()) {
                known.add(rs.getString(1));
            }
        }
    }

    /** Creates the missing tables, each in its own short transaction (DDL locks the parent). */
    synchronized void ensure(Collection<String> objectTypes) throws SQLException {
        for (String type : objectTypes) {
            if (known.contains(type)) {
                continue;
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ENSURE)) {
                c.setAutoCommit(true);
                s.setString(1, type);
                s.setString(2, ObjectTypes.tableName(type));
                s.execute();
            }
            known.add(type);
        }
    }
}
