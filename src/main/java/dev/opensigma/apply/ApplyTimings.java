package dev.opensigma.apply;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the writers' time goes, step by step of the batch transaction (wall time, summed over
 * writers), for {@code bench apply}. Counting costs two clock reads per step.
 */
public final class ApplyTimings {

    /** The steps of {@link BatchWriter}, in order. */
    public enum Step { PREPARE, LOCK, EVENTS, PLACE, VERSIONS, CURRENT, REMOVALS, COMMIT }

    private static final LongAdder[] NANOS = new LongAdder[Step.values().length];
    private static final LongAdder BATCHES = new LongAdder();

    static {
        for (int i = 0; i < NANOS.length; i++) {
            NANOS[i] = new LongAdder();
        }
    }

    private ApplyTimings() {
    }

    static long record(Step step, long since) {
        long now = System.nanoTime();
        NANOS[step.ordinal()].add(now - since);
        return now;
    }

    static void batch() {
        BATCHES.increment();
    }

    /** Milliseconds per step since the last call (and "batches": how many batches), then starts again. */
    public static Map<String, Double> takeMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("batches", (double) BATCHES.sumThenReset());
        for (Step s : Step.values()) {
            out.put(s.name().toLowerCase(java.util.Locale.ROOT), NANOS[s.ordinal()].sumThenReset() / 1e6);
        }
        return out;
    }
}
