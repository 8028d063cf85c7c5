package dev.opensigma.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Bytes on disk of OpenSigma's tables (heap, TOAST and indexes: {@code pg_total_relation_size}):
 * the event archive, the version history, and every partition of the current state.
 */
record StorageUsage(long events, List<TableSize> tables) {

    record TableSize(String table, long bytes) {
    }

    /** OpenSigma's own tables, plus every object table that object_types lists. */
    private static final String SIZES = """
            select c.relname, pg_total_relation_size(c.oid) as bytes
            from pg_class c
            where c.oid in (to_regclass(format('%I.events', ?)), to_regclass(format('%I.object_versions', ?)),
                            to_regclass(format('%I.search_documents', ?)))
               or c.oid in (select to_regclass(format('%I.%I', ?, t.table_name)) from object_types t)
            order by bytes desc, c.relname""";

    static StorageUsage measure(DataSource dataSource, String schema) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long events;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from events")) {
                rs.next();
                events = rs.getLong(1);
            }
            List<TableSize> tables = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SIZES)) {
                for (int i = 1; i <= 4; i++) {
                    s.setString(i, schema);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        tables.add(new TableSize(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
            return new StorageUsage(events, List.copyOf(tables));
        }
    }

    long totalBytes() {
        return tables.stream().mapToLong(TableSize::bytes).sum();
    }

    double bytesPerEvent(long bytes) {
        return events == 0 ? 0 : (double) bytes / events;
    }
}
