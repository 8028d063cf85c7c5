package dev.opensigma.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Every request served, in order of arrival (they finish out of order: latency varies); past
 * {@value #CAPACITY} entries the oldest half is dropped.
 */
final class RequestLog {

    static final int CAPACITY = 2_000_000;

    private ArrayList<ServedRequest> entries = new ArrayList<>();

    synchronized void add(ServedRequest request) {
        if (entries.size() >= CAPACITY) {
            entries = new ArrayList<>(entries.subList(CAPACITY / 2, entries.size()));
        }
        entries.add(request);
    }

    List<ServedRequest> all() {
        List<ServedRequest> copy;
        synchronized (this) {
            copy = new ArrayList<>(entries);
        }
        copy.sort(java.util.Comparator.comparing(ServedRequest::at)); // stable: same-instant requests keep their order
        return List.copyOf(copy);
    }
}
