package dev.opensigma.sim;

import java.util.ArrayList;
import java.util.List;

/** Every request served, in order; past {@value #CAPACITY} entries the oldest half is dropped. */
final class RequestLog {

    static final int CAPACITY = 2_000_000;

    private ArrayList<ServedRequest> entries = new ArrayList<>();

    synchronized void add(ServedRequest request) {
        if (entries.size() >= CAPACITY) {
            entries = new ArrayList<>(entries.subList(CAPACITY / 2, entries.size()));
        }
        entries.add(request);
    }

    synchronized List<ServedRequest> all() {
        return List.copyOf(entries);
    }
}
