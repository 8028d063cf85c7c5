package dev.opensigma.bench;

import java.time.Duration;
import java.util.Arrays;

/** Latency percentiles (nearest-rank method) of a set of measurements. */
public record Percentiles(int count, Duration p50, Duration p90, Duration p99, Duration max) {

    public static final Percentiles NONE = new Percentiles(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Computes the percentiles of latencies given in nanoseconds; the array is left as it was. */
    public static Percentiles ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            return NONE;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, at(sorted, 50), at(sorted, 90), at(sorted, 99),
                Duration.ofNanos(sorted[sorted.length - 1]));
    }

    /**
     * The smallest value that at least {@code percent} % of the values do not exceed. Nearest rank
     * rather than interpolation: every reported figure is a latency some request really had.
     */
    static Duration at(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return Duration.ofNanos(sorted[Math.max(rank, 1) - 1]);
    }
}
