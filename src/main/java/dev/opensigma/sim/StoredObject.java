package dev.opensigma.sim;

/**
 * An object (or event) as served: its JSON pre-rendered to UTF-8 ({@link Slabs}) so list pages are
 * built by concatenation, plus the few field values that list filters compare ({@code facets}, in the
 * order {@link Resources#facets(String)} names them). {@code seq} is the stable tie order among
 * objects created in the same second.
 */
final class StoredObject {

    final String account;
    final String type;
    final String id;
    final String parentId;
    final long created;
    final long seq;
    private volatile Bytes json;
    private volatile String[] facets;
    private volatile boolean deleted;

    StoredObject(String account, String type, String id, String parentId, long created, long seq, Bytes json,
                 String[] facets) {
        this.account = account;
        this.type = type;
        this.id = id;
        this.parentId = parentId;
        this.created = created;
        this.seq = seq;
        this.json = json;
        this.facets = facets;
    }

    /** The JSON as served (a slice of a shared array: do not change it). */
    Bytes bytes() {
        return json;
    }

    /** A copy of the JSON. */
    byte[] json() {
        return json.copy();
    }

    String facet(int index) {
        return facets[index];
    }

    boolean deleted() {
        return deleted;
    }

    /** Replaces the state; a reader sees either the old or the new one, never a mix. */
    void update(Bytes json, String[] facets, boolean deleted) {
        this.facets = facets;
        this.json = json;
        this.deleted = deleted;
    }
}
