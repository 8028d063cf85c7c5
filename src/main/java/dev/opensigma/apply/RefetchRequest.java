package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Something an event could not tell in full, to be fetched from the API (table {@code refetches},
 * V9 and V11): an object whose newest state is uncertain, or a child list of an object whose
 * entries the event did not carry. Recorded in the transaction that stores the event, so a request
 * is never lost, and read by {@code dev.opensigma.sync.Refetcher}.
 *
 * @param account   null for the key's own account
 * @param path      where to fetch it, when known here; otherwise the fetcher knows by type
 * @param childList the parent's field whose entries are to be listed ({@code lines}); empty for
 *                  the object itself
 */
record RefetchRequest(String objectType, String id, String account, String path, String reason, String eventId,
                      String childList) {

    /** A thin (v2) event: it carries only a reference to its object. */
    static final String THIN_EVENT = "thin event";
    /** Different states in the object's second that only the event ids put in order. */
    static final String SAME_SECOND_TIE = "same-second tie";
    /** An embedded list holds its first 10 entries and says {@code has_more}. */
    static final String MORE_IN_LIST = "list has more";
    /** A list the parent does not embed, whose entries no event announces. */
    static final String LIST_NOT_EMBEDDED = "list not embedded";
    /**
     * The event renders its object in another API version than the one OpenSigma pins: the
     * account's default version for events read from {@code /v1/events}, an endpoint's own for
     * webhooks. Fetched again, the current state is rendered like every backfilled object, so a
     * typed column means the same thing in every row (fields move between versions).
     */
    static final String OTHER_API_VERSION = "other API version";

    /**
     * Lists that Stripe does not embed in their parent unless asked to expand them, and whose
     * entries have no events of their own: the line items of a Checkout Session, a quote or a
     * payment link are only ever seen through their list, so every event of the parent asks for
     * it (a draft quote's lines change without any event). (Tax ids, payment methods and persons
     * have events.)
     */
    private static final Map<String, String> NOT_EMBEDDED = Map.of("checkout.session", "line_items",
            "quote", "line_items", "payment_link", "line_items");

    static RefetchRequest object(String objectType, String id, String account, String path, String reason,
                                 String eventId) {
        return new RefetchRequest(objectType, id, account, path, reason, eventId, "");
    }

    /**
     * The child lists of a newly filed object that its payload left incomplete: embedded lists
     * that say {@code has_more}, and lists its type never embeds. The backfill lists children
     * itself, so its snapshots ask for nothing. A deleted object asks only for the lists whose
     * entries are removed with it.
     */
    static List<RefetchRequest> childListsOf(Observation o) {
        if (o.source() == Source.BACKFILL || o.isChild() || !o.hasVersion()) {
            return List.of();
        }
        List<RefetchRequest> requests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : o.object().properties()) {
            JsonNode list = field.getValue();
            // A deleted parent's list is asked for only when its entries go with it (a deleted draft
            // invoice's lines past the tenth): Stripe answers 404, which says that none is left.
            if ("list".equals(list.path("object").asText()) && list.path("has_more").asBoolean(false)
                    && list.path("url").isTextual()
                    && (!o.deleted() || ListRead.tellsRemovals(o.objectType(), field.getKey()))) {
                requests.add(new RefetchRequest(o.objectType(), o.objectId(), o.account(), list.path("url").asText(),
                        MORE_IN_LIST, o.eventId(), field.getKey()));
            }
        }
        String notEmbedded = NOT_EMBEDDED.get(o.objectType());
        if (notEmbedded != null && !o.deleted() && !o.object().has(notEmbedded)) {
            requests.add(new RefetchRequest(o.objectType(), o.objectId(), o.account(), null, LIST_NOT_EMBEDDED,
                    o.eventId(), notEmbedded));
        }
        return requests;
    }

    /**
     * The object of a newly filed event rendered in another API version than {@code pinned}; none
     * when {@code pinned} is null (nothing will fetch it), for snapshots, children and deletions
     * (Stripe answers a deleted object with a stub at best).
     */
    static List<RefetchRequest> otherApiVersion(Observation o, String pinned) {
        if (pinned == null || o.event() == null || o.isChild() || !o.hasVersion() || o.deleted()
                || o.apiVersion() == null || o.apiVersion().equals(pinned)) {
            return List.of();
        }
        return List.of(object(o.objectType(), o.objectId(), o.account(), null, OTHER_API_VERSION, o.eventId()));
    }

    String key() {
        return objectType + ":" + id + "@" + (account == null ? "" : account) + "/" + childList;
    }
}
