package dev.opensigma.backfill;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * The ranges waiting for a worker. Only a bounded window is held in memory; the rest wait in
 * PostgreSQL (a page of customers can reveal hundreds of child lists), so memory does not grow
 * with the account. A range being paged is put back at the end after each page, so every open
 * range, and so every endpoint, keeps moving.
 */
final class WorkQueue {

    private static final int WINDOW = 1_000;

    private final BackfillStore store;
    private final long runId;
    private final BackfillProgress progress;
    private final double endpointPerSecond;
    private final ArrayDeque<Range> waiting = new ArrayDeque<>();
    /** Ids of ranges waiting or being paged, so a refill from the database does not load them twice. */
    private final Set<Long> held = new HashSet<>();
    private final Map<String, Integer> openByEndpoint = new HashMap<>();
    /** Every held range by id, with its latest position (for estimates). */
    private final Map<Long, Range> latest = new HashMap<>();
    private long loadedUpTo;
    private long pagesSinceEstimate;
    private int inFlight;
    /** Seconds Stripe takes per request: with the rate, how many ranges keep one endpoint busy. */
    private final DoubleSupplier latency;

    WorkQueue(BackfillStore store, long runId, BackfillProgress progress, double endpointPerSecond, DoubleSupplier latency) {
        this.latency = latency;
        this.store = store;
        this.runId = runId;
        this.progress = progress;
        this.endpointPerSecond = endpointPerSecond;
    }

    /** The next range to page, waiting while others may still reveal more; null when all are done. */
    synchronized Range take() throws InterruptedException {
        while (true) {
            if (waiting.isEmpty()) {
                refill();
            }
            Range next = waiting.poll();
            if (next != null) {
                inFlight++;
                return next;
            }
            if (inFlight == 0) {
                // Ids are taken when rows are inserted but become visible at commit, so a refill
                // can pass over a range committed late. Before finishing, look again from the start.
                loadedUpTo = 0;
                refill();
                if (!waiting.isEmpty()) {
                    continue;
                }
                notifyAll();
                return null;
            }
            wait();
        }
    }

    /**
     * A page of {@code range} was handled.
     *
     * @param continuing the range's new position when it has more pages, else null
     * @param split      a range split off it (already stored), or null
     */
    synchronized void done(Range range, Range continuing, Range split) {
        inFlight--;
        if (continuing != null) {
            waiting.add(continuing);
            latest.put(continuing.id(), continuing);
        } else {
            held.remove(range.id());
            latest.remove(range.id());
            openByEndpoint.merge(range.endpointKey(), -1, Integer::sum);
        }
        // A refill may already have loaded the split from the database (it is stored before this
        // call); hold() keeps it from being queued twice.
        if (split != null && hold(split)) {
            waiting.add(split);
        }
        if (++pagesSinceEstimate >= 20) {
            pagesSinceEstimate = 0;
            estimate();
        }
        notifyAll();
    }

    /**
     * Objects still to come per type, guessed from each bounded range's density so far (objects
     * per second of {@code created} already paged, times the seconds left). Ranges not yet paged
     * or open-ended count nothing, so early guesses are low; they firm up as ranges split.
     */
    private void estimate() {
        Map<String, Long> remaining = new HashMap<>();
        for (Range r : latest.values()) {
            remaining.merge(r.listType(), 0L, Long::sum);
            if (r.lastCreated() == null || r.createdGte() == null || r.createdLt() == null || r.pages() == 0) {
                continue;
            }
            double paged = Math.max(1, r.createdLt() - r.lastCreated());
            double left = Math.max(0, r.lastCreated() - r.createdGte());
            remaining.merge(r.listType(), (long) (r.objects() / paged * left), Long::sum);
        }
        remaining.forEach(progress::estimate);
    }

    /**
     * True while this range's endpoint has fewer ranges open than it takes to use its whole rate
     * budget (rate x time per page, doubled for slack): splitting further would only add requests.
     */
    synchronized boolean wantsMoreRanges(Range range) {
        int target = (int) Math.min(64, Math.max(2, Math.ceil(endpointPerSecond * latency.getAsDouble() * 2)));
        return openByEndpoint.getOrDefault(range.endpointKey(), 0) < target;
    }

    private void refill() {
        List<Range> ranges;
        try {
            ranges = store.openRanges(runId, loadedUpTo, WINDOW);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the backfill's ranges: " + e.getMessage(), e);
        }
        for (Range r : ranges) {
            loadedUpTo = Math.max(loadedUpTo, r.id());
            if (hold(r)) {
                waiting.add(r);
            }
        }
    }

    /** Takes a range into the window; false if it is already there (waiting or being paged). */
    private boolean hold(Range r) {
        if (!held.add(r.id())) {
            return false;
        }
        latest.put(r.id(), r);
        openByEndpoint.merge(r.endpointKey(), 1, Integer::sum);
        progress.opened(r.listType());
        return true;
    }
}
