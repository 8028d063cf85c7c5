package dev.opensigma.backfill;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of a running backfill, per list type, for progress bars and logs. */
public final class BackfillProgress {

    /** One type's progress. {@code estimatedRemaining} is -1 while nothing allows a guess. */
    public record TypeProgress(String type, long objects, long pages, long rangesDone, long rangesOpen,
                               long estimatedRemaining) {
    }

    private static final class Counters {
        final LongAdder objects = new LongAdder();
        final LongAdder pages = new LongAdder();
        final LongAdder rangesDone = new LongAdder();
        final LongAdder rangesOpen = new LongAdder();
        volatile long estimatedRemaining = -1;
    }

    private final Map<String, Counters> types = new ConcurrentHashMap<>();
    private final long startedNanos = System.nanoTime();

    void opened(String type) {
        counters(type).rangesOpen.increment();
    }

    void page(String type, int objects, boolean rangeFinished) {
        Counters c = counters(type);
        c.objects.add(objects);
        c.pages.increment();
        if (rangeFinished) {
            c.rangesDone.increment();
            c.rangesOpen.decrement();
        }
    }

    void failed(String type) {
        counters(type).rangesOpen.decrement();
    }

    void estimate(String type, long remaining) {
        counters(type).estimatedRemaining = remaining;
    }

    private Counters counters(String type) {
        return types.computeIfAbsent(type, t -> new Counters());
    }

    public List<TypeProgress> snapshot() {
        return types.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new TypeProgress(e.getKey(), e.getValue().objects.sum(), e.getValue().pages.sum(),
                        e.getValue().rangesDone.sum(), Math.max(0, e.getValue().rangesOpen.sum()),
                        e.getValue().estimatedRemaining))
                .toList();
    }

    public long objects() {
        return types.values().stream().mapToLong(c -> c.objects.sum()).sum();
    }

    public double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
