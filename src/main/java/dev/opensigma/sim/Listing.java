package dev.opensigma.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * One list as an endpoint pages it, in a fixed order: newest first by {@code created} then by
 * sequence (top-level lists, events, refunds...), or in creation order (invoice lines, subscription
 * items, checkout line items: the order the parent shows them in). A cursor is a position in that
 * order, so it keeps working when its object is deleted or filtered out meanwhile.
 */
final class Listing {

    enum Order { NEWEST_FIRST, CREATION }

    /** One page: the objects, in list order, and whether more match beyond them. */
    record Page(List<StoredObject> data, boolean hasMore) {
    }

    private static final int SEQ_BITS = 29;
    private static final long MAX_SEQ = (1L << SEQ_BITS) - 1;
    private static final long MAX_CREATED = (1L << 34) - 1;

    private final Order order;
    private final ConcurrentSkipListMap<Long, StoredObject> entries = new ConcurrentSkipListMap<>();

    Listing(Order order) {
        this.order = order;
    }

    Order order() {
        return order;
    }

    void add(StoredObject object) {
        entries.put(key(object), object);
    }

    int size() {
        return entries.size();
    }

    Iterable<StoredObject> all() {
        return entries.values();
    }

    long key(StoredObject object) {
        if (object.seq > MAX_SEQ) {
            throw new IllegalStateException("More than " + MAX_SEQ + " objects: the list order key would overflow");
        }
        return order == Order.CREATION ? object.seq : ((MAX_CREATED - clampCreated(object.created)) << SEQ_BITS) | (MAX_SEQ - object.seq);
    }

    /**
     * The page after {@code cursor} (or from the start), or — with {@code backwards} — the page
     * just before {@code cursor}, still in list order. {@code createdRange} narrows newest-first
     * lists to {@code [minCreated, maxCreated]} without scanning the rest.
     */
    Page page(StoredObject cursor, boolean backwards, int limit, long minCreated, long maxCreated,
              Predicate<StoredObject> filter) {
        long low = Long.MIN_VALUE;
        long high = Long.MAX_VALUE;
        if (order == Order.NEWEST_FIRST && (minCreated > Long.MIN_VALUE || maxCreated < Long.MAX_VALUE)) {
            low = (MAX_CREATED - clampCreated(maxCreated)) << SEQ_BITS;
            high = ((MAX_CREATED - clampCreated(minCreated)) << SEQ_BITS) | MAX_SEQ;
        }
        if (cursor != null) {
            long at = key(cursor); // the cursor may lie outside the created range: it only bounds one side
            if (backwards) {
                high = Math.min(high, at - 1);
            } else {
                low = Math.max(low, at + 1);
            }
        }
        if (low > high) {
            return new Page(List.of(), false);
        }
        NavigableMap<Long, StoredObject> range = low == Long.MIN_VALUE && high == Long.MAX_VALUE ? entries
                : entries.subMap(low, true, high, true);
        if (backwards && cursor != null) {
            range = range.descendingMap();
        }
        List<StoredObject> data = new ArrayList<>(Math.min(limit, 100));
        boolean more = false;
        Iterator<StoredObject> it = range.values().iterator();
        while (it.hasNext()) {
            StoredObject o = it.next();
            if (o.deleted() || !filter.test(o)) {
                continue;
            }
            if (data.size() == limit) {
                more = true;
                break;
            }
            data.add(o);
        }
        if (backwards && cursor != null) {
            Collections.reverse(data);
        }
        return new Page(data, more);
    }

    private static long clampCreated(long created) {
        return Math.max(0, Math.min(MAX_CREATED, created));
    }
}
