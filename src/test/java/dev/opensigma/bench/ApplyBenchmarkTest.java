package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench apply} on a few hundred items: every run is measured and its items are filed. */
class ApplyBenchmarkTest {

    @Test
    void measuresEventsAndSnapshotsThroughTheApplier() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (Database db = TestDatabase.fresh()) {
            List<ApplyBenchmark.Run> runs = new ApplyBenchmark(new ApplyBenchmark.Settings(300, 200, 100, 1, 100, 2, 50),
                    new PrintStream(progress, true)).measure(db);

            assertThat(runs).extracting(ApplyBenchmark.Run::kind).containsExactly("events", "snapshots");
            ApplyBenchmark.Run events = runs.get(0);
            ApplyBenchmark.Run snapshots = runs.get(1);
            assertThat(events.items()).isEqualTo(300);
            assertThat(events.versions()).as("events file their objects and embedded children").isGreaterThan(250);
            assertThat(snapshots.items()).isBetween(100L, 200L);
            assertThat(snapshots.versions()).isGreaterThanOrEqualTo(snapshots.items());
            assertThat(TestDatabase.count(db, "select count(*) from object_versions where source = 'backfill'"))
                    .isGreaterThanOrEqualTo(snapshots.items());
            assertThat(runs).allSatisfy(r -> assertThat(r.itemsPerSecond()).isPositive());
            assertThat(progress.toString()).contains("snapshots run 1", "writers' wall time per batch");
        }
    }
}
