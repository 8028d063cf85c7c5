package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The backfill benchmark's report, from given figures. */
class BackfillReportTest {

    private static BackfillBenchmark.Run run(boolean limits, long objects, double seconds, double ceiling) {
        return new BackfillBenchmark.Run(limits, objects, objects, seconds, ceiling, 400L << 20, 21L << 20, 256L << 20,
                1_200, 0, 0, true, 18, 0);
    }

    @Test
    void saysTheShareOfTheCeilingAndOfTheUnlimitedRunsSpeed() {
        String report = BackfillBenchmark.markdown("bench backfill", "0.5 / 0.5 / 0.5",
                List.of(run(true, 60_000, 40, 10_000), run(false, 60_000, 30, Double.NaN)));

        assertThat(report).contains("| Stripe's limits and latency | 60,000 | 40 | 1,500 | 10,000 | 15 % |")
                .contains("| no limits, no latency | 60,000 | 30 | 2,000 | - | - |")
                .contains("went at 75 % of the speed of the run without them (1,500 against 2,000 objects/s)");
    }

    @Test
    void aSingleRunHasNoComparison() {
        assertThat(BackfillBenchmark.markdown("bench backfill", "0.5", List.of(run(true, 60_000, 40, 10_000))))
                .doesNotContain("of the speed of the run without");
    }
}
