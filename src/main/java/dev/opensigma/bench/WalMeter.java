package dev.opensigma.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * How much write-ahead log PostgreSQL has written so far, and how many checkpoints it has
 * started. WAL is what every stored byte, index entry and TOAST chunk costs before it reaches
 * the tables, so WAL per event compares two builds' work in PostgreSQL more steadily than CPU
 * time. Checkpoints matter for the same reason: after one, the first change of each page logs
 * the whole page, so a run that crosses a checkpoint pays more than one that does not.
 */
final class WalMeter {

    /** The WAL position as a byte count, and checkpoints started; both -1 when unknown. */
    record Reading(long walBytes, long checkpoints) {

        static final Reading UNKNOWN = new Reading(-1, -1);

        Reading since(Reading earlier) {
            return new Reading(walBytes < 0 || earlier.walBytes < 0 ? -1 : walBytes - earlier.walBytes,
                    checkpoints < 0 || earlier.checkpoints < 0 ? -1 : checkpoints - earlier.checkpoints);
        }
    }

    /** pg_stat_checkpointer is PostgreSQL 17's; the benchmark runs on the embedded 17. */
    private static final String READ = """
            select pg_current_wal_lsn() - '0/0'::pg_lsn, c.num_timed + c.num_requested
            from pg_stat_checkpointer c""";

    private final DataSource dataSource;

    WalMeter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Reading read() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(READ)) {
            rs.next();
            return new Reading(rs.getBigDecimal(1).longValueExact(), rs.getLong(2));
        } catch (SQLException | ArithmeticException e) {
            return Reading.UNKNOWN;
        }
    }
}
