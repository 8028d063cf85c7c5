package dev.opensigma.apply;

/**
 * An object whose newest state an event could not tell, to be fetched again from the API (table
 * {@code refetches}, V9). Recorded in the transaction that stores the event, so a request is never
 * lost, and read by {@code dev.opensigma.sync.Refetcher}.
 *
 * @param account null for the key's own account
 * @param path    where to fetch it, when the event said; otherwise the fetcher knows by type
 */
record RefetchRequest(String objectType, String id, String account, String path, String reason, String eventId) {

    /** A thin (v2) event: it carries only a reference to its object. */
    static final String THIN_EVENT = "thin event";
    /** Different states in the object's second that only the event ids put in order. */
    static final String SAME_SECOND_TIE = "same-second tie";

    String key() {
        return objectType + ":" + id + "@" + (account == null ? "" : account);
    }
}
