package dev.opensigma.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One load run: every delivery, and the wall time from the first send to the last answer.
 *
 * @param missing acknowledged events not found in the database afterwards (must be empty)
 * @param costs   CPU and commits spent on the run
 */
record LoadResult(List<Delivery> deliveries, Duration elapsed, List<String> missing, RunCosts costs) {

    /** A run as the load finished it, before it is checked and its costs known. */
    LoadResult(List<Delivery> deliveries, Duration elapsed) {
        this(deliveries, elapsed, List.of(), RunCosts.UNKNOWN);
    }

    LoadResult withMissing(List<String> missingIds) {
        return new LoadResult(deliveries, elapsed, List.copyOf(missingIds), costs);
    }

    LoadResult withCosts(RunCosts runCosts) {
        return new LoadResult(deliveries, elapsed, missing, runCosts);
    }

    /** Both runs as one, for checks (the costs and rates are no longer meaningful). */
    LoadResult and(LoadResult other) {
        List<Delivery> all = new ArrayList<>(deliveries);
        all.addAll(other.deliveries);
        List<String> allMissing = new ArrayList<>(missing);
        allMissing.addAll(other.missing);
        return new LoadResult(all, elapsed.plus(other.elapsed), allMissing, RunCosts.UNKNOWN);
    }

    List<String> acknowledgedIds() {
        return deliveries.stream().filter(Delivery::acknowledged).map(Delivery::eventId).toList();
    }

    long acknowledged() {
        return deliveries.stream().filter(Delivery::acknowledged).count();
    }

    /** Failures by label, e.g. {@code {503=12}}. */
    Map<String, Long> failures() {
        Map<String, Long> byKind = new TreeMap<>();
        for (Delivery d : deliveries) {
            if (!d.acknowledged()) {
                byKind.merge(d.failure(), 1L, Long::sum);
            }
        }
        return byKind;
    }

    /** Acknowledged events per second of wall time. */
    double eventsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : acknowledged() / seconds;
    }

    Percentiles latency() {
        return Percentiles.ofNanos(deliveries.stream().mapToLong(Delivery::latencyNanos).toArray());
    }

    boolean clean() {
        return failures().isEmpty() && missing.isEmpty();
    }
}
