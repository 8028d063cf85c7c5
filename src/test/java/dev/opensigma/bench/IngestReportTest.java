package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestReportTest {

    private static final Machine MACHINE = new Machine(2, "Test CPU", 8L << 30, "Linux", "JDK 25");
    private static final IngestBenchmark.Settings SETTINGS = new IngestBenchmark.Settings(List.of(64), 6_000, 0,
            1_000, 10, 2, 500);
    private static final StorageUsage STORAGE = new StorageUsage(6_000, List.of(
            new StorageUsage.TableSize("events", 30_000_000), new StorageUsage.TableSize("object_versions", 30_000_000)));

    /** {@code count} deliveries of {@code latencyMillis} each; the first {@code failed} answered 503. */
    private static LoadResult run(int count, int failed, long latencyMillis, Duration elapsed) {
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deliveries.add(new Delivery("evt_" + i, i < failed ? 503 : 200, latencyMillis * 1_000_000, null));
        }
        return new LoadResult(deliveries, elapsed).withCosts(new RunCosts(20, 0.5, 0.1, 0.3, 11_250, 1));
    }

    private static IngestReport report(LoadResult level, LoadResult latency) {
        return new IngestReport(MACHINE, SETTINGS, "PostgreSQL 17", "ext4", 3_000, Optional.empty(),
                List.of(new IngestReport.Level(64, level)), Optional.of(latency), STORAGE, Instant.EPOCH,
                Duration.ofSeconds(60));
    }

    @Test
    void figuresAreShownBesideTheTargets() {
        IngestReport report = report(run(6_000, 0, 10, Duration.ofSeconds(1)), run(10_000, 0, 80, Duration.ofSeconds(10)));

        String markdown = report.markdown("./opensigma bench ingest");

        assertThat(markdown).contains("- Command: `./opensigma bench ingest`")
                .contains("| concurrency 64 | 6,000 | 6,000 |").contains("≥ 5,000/s: met")
                .contains("| 1,000/s for 10 s, open loop | 10,000 | 1,000 |").contains("p99 ≤ 50 ms: **missed**")
                .contains("**10,000 bytes on disk per event**")
                .contains("| concurrency 64 | 20.0 | 0.50 ms | 0.10 ms | 0.30 ms |").contains("| 11,250 B | 1 |");
        assertThat(report.passed()).isTrue();
    }

    @Test
    void anAcknowledgedEventMissingFromTheDatabaseFailsTheRun() {
        LoadResult lost = run(100, 0, 10, Duration.ofSeconds(1)).withMissing(List.of("evt_7"));
        IngestReport report = report(lost, run(100, 0, 10, Duration.ofSeconds(1)));

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("1 acknowledged event(s) are NOT stored")
                .contains("evt_7");
    }

    @Test
    void failedRequestsFailTheRunAndDoNotCountAsThroughput() {
        LoadResult partly = run(100, 10, 10, Duration.ofSeconds(1));
        IngestReport report = report(partly, run(100, 0, 10, Duration.ofSeconds(1)));

        assertThat(partly.eventsPerSecond()).isEqualTo(90);
        assertThat(partly.failures()).containsExactly(Map.entry("503", 10L));
        assertThat(report.passed()).isFalse();
    }
}
