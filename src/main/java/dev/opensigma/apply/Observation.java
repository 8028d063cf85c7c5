package dev.opensigma.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.StripeEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One thing OpenSigma learned: an event (which may carry a version of an object), or a snapshot
 * of an object fetched from the API at a known moment (the backfill). A snapshot observed at T
 * is a version valid from T.
 *
 * @param event      the event, or null for a snapshot
 * @param object     the object's state, or null for an event without one ({@code invoice.upcoming})
 * @param validFrom  Stripe's time of this state: the event's {@code created}, or the fetch time
 * @param apiVersion the Stripe API version the object is rendered in: the event's, or the one the
 *                   snapshot was fetched with (null if unknown)
 */
public record Observation(
        Source source,
        StripeEvent event,
        JsonNode object,
        String objectType,
        String objectId,
        String account,
        Instant validFrom,
        boolean deleted,
        String parentType,
        String parentId,
        String apiVersion) {

    public static Observation of(StripeEvent event, Source source) {
        boolean filed = event.hasObject() && ObjectTypes.isValidType(event.objectType());
        JsonNode object = filed ? event.object() : null;
        boolean deleted = filed && ObjectTypes.isDeletion(event.type(), object.path("deleted").asBoolean(false));
        return new Observation(source, event, object,
                filed ? event.objectType() : null,
                filed ? event.objectId() : null,
                event.account(),
                Instant.ofEpochSecond(event.created()),
                deleted, null, null, event.apiVersion());
    }

    /** An object as fetched from the API at {@code observedAt}, rendered in {@code apiVersion} (for the backfill). */
    public static Observation snapshot(JsonNode object, Instant observedAt, String account, String apiVersion) {
        return snapshot(object, observedAt, account, apiVersion, Source.BACKFILL);
    }

    /** The same, fetched by {@code source} (the backfill, or a refetch of one object). */
    public static Observation snapshot(JsonNode object, Instant observedAt, String account, String apiVersion,
                                       Source source) {
        String type = object.path("object").asText(null);
        String id = object.path("id").asText(null);
        if (id == null || !ObjectTypes.isValidType(type)) {
            throw new IllegalArgumentException("A snapshot needs an object with 'id' and 'object' fields");
        }
        return new Observation(source, null, object, type, id, account, observedAt,
                object.path("deleted").asBoolean(false), null, null, apiVersion);
    }

    /**
     * An object fetched from a child list ({@code /v1/invoices/in_1/lines}) at {@code observedAt}:
     * filed like the children embedded in its parent.
     */
    public static Observation childSnapshot(JsonNode object, Instant observedAt, String account, String apiVersion,
                                            String parentType, String parentId) {
        return childSnapshot(object, observedAt, account, apiVersion, parentType, parentId, Source.BACKFILL);
    }

    /** The same, fetched by {@code source} (the backfill, or a refetch of a parent's list). */
    public static Observation childSnapshot(JsonNode object, Instant observedAt, String account, String apiVersion,
                                            String parentType, String parentId, Source source) {
        Observation o = snapshot(object, observedAt, account, apiVersion, source);
        return new Observation(o.source, null, o.object, o.objectType, o.objectId, account, observedAt, o.deleted,
                parentType, parentId, apiVersion);
    }

    /** The same observation filed under a connected account (for events read with {@code Stripe-Account}). */
    public Observation withAccount(String connectedAccount) {
        return new Observation(source, event, object, objectType, objectId, connectedAccount, validFrom, deleted,
                parentType, parentId, apiVersion);
    }

    /**
     * The objects embedded in this one's lists (an invoice's {@code lines}, a subscription's
     * {@code items}, a charge's {@code refunds}, ...), each as a version of its own type observed
     * with this one: same time, same event, same source. Only the entries present are known (Stripe
     * embeds at most 10); the backfill completes the rest through the child list endpoints.
     */
    public List<Observation> children() {
        if (object == null || deleted) {
            return List.of();
        }
        List<Observation> children = new ArrayList<>();
        for (Iterator<JsonNode> fields = object.elements(); fields.hasNext(); ) {
            JsonNode field = fields.next();
            if (!field.isObject() || !"list".equals(field.path("object").asText()) || !field.path("data").isArray()) {
                continue;
            }
            for (JsonNode child : field.get("data")) {
                String type = child.path("object").asText(null);
                String id = child.path("id").asText(null);
                if (id != null && ObjectTypes.isValidType(type)) {
                    children.add(new Observation(source, event, child, type, id, account, validFrom,
                            child.path("deleted").asBoolean(false), objectType, objectId, apiVersion));
                }
            }
        }
        return children;
    }

    /** True for an object that came embedded in another one's list. */
    public boolean isChild() {
        return parentId != null;
    }

    /** True when this observation adds a version of an object (not just an archived event). */
    public boolean hasVersion() {
        return object != null;
    }

    public String eventId() {
        return event == null ? null : event.id();
    }

    public String eventType() {
        return event == null ? null : event.type();
    }

    /** The event's previous attributes, which describe its own object only (not embedded children). */
    public JsonNode previousAttributes() {
        return event == null || isChild() ? null : event.previousAttributes();
    }

    /** Stripe's time in whole seconds: the first part of the version order. */
    public long second() {
        return validFrom.getEpochSecond();
    }

    String objectJson() {
        return toJson(object);
    }

    static String toJson(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
