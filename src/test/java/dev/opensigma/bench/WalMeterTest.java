package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** WAL written and checkpoints started, as the ingest benchmark reads them around a run. */
class WalMeterTest {

    @Test
    void countsTheLogARunWritesAndTheCheckpointsItCrosses() throws Exception {
        try (Database db = TestDatabase.fresh()) {
            WalMeter wal = new WalMeter(db.dataSource());
            WalMeter.Reading before = wal.read();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("create table wal_meter_probe as select g, md5(g::text) as pad from generate_series(1, 2000) g");
                s.execute("checkpoint");
            }
            WalMeter.Reading written = wal.read().since(before);

            // 2,000 rows of about 70 bytes each reach the log.
            assertThat(written.walBytes()).isGreaterThan(2_000L * 60);
            assertThat(written.checkpoints()).as("ours, and any the server started on its own").isPositive();
        }
    }

    @Test
    void unknownStaysUnknown() {
        WalMeter.Reading known = new WalMeter.Reading(1_000, 2);

        assertThat(known.since(WalMeter.Reading.UNKNOWN)).isEqualTo(WalMeter.Reading.UNKNOWN);
        assertThat(WalMeter.Reading.UNKNOWN.since(known)).isEqualTo(WalMeter.Reading.UNKNOWN);
        assertThat(new WalMeter.Reading(5_000, 3).since(known)).isEqualTo(new WalMeter.Reading(4_000, 1));
    }
}
