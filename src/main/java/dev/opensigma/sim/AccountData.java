package dev.opensigma.sim;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One account's objects (by id and per list) and its events. */
final class AccountData {

    final Account account;
    final Map<String, StoredObject> byId = new ConcurrentHashMap<>();
    final Map<String, StoredObject> eventsById = new ConcurrentHashMap<>();
    final Listing events = new Listing(Listing.Order.NEWEST_FIRST);
    private final Map<String, Listing> lists = new ConcurrentHashMap<>();
    /** Events held out of /v1/events until a moment (Stripe's list can show an event after newer ones). */
    private final Map<String, Instant> listedFrom = new ConcurrentHashMap<>();

    AccountData(Account account) {
        this.account = account;
    }

    void listFrom(String eventId, Instant from) {
        listedFrom.put(eventId, from);
    }

    /** Whether /v1/events shows the event yet. */
    boolean listed(StoredObject event) {
        Instant from = listedFrom.get(event.id);
        return from == null || !from.isAfter(Instant.now());
    }

    /** The list named {@code key}: an object type for top-level lists, {@code "in_123/lines"} for child lists. */
    Listing list(String key) {
        return lists.computeIfAbsent(key, k -> {
            int slash = k.lastIndexOf('/');
            return new Listing(slash < 0 ? Listing.Order.NEWEST_FIRST : Resources.childOrder(k.substring(slash + 1)));
        });
    }

    /** The list if it exists (a parent without children has none). */
    Listing existingList(String key) {
        return lists.get(key);
    }

    Map<String, Listing> lists() {
        return lists;
    }
}
