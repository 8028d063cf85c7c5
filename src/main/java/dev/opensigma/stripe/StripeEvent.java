package dev.opensigma.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A Stripe event as received: the exact text plus the fields OpenSigma files it by.
 *
 * @param raw        the event exactly as received (stored byte for byte)
 * @param object     {@code data.object}, or null when the event carries none
 * @param previousAttributes {@code data.previous_attributes}, or null
 * @param relatedObject the object a thin (v2) event is about, or null: such an event carries
 *                      no state, only this reference
 */
public record StripeEvent(
        String id,
        String type,
        long created,
        String apiVersion,
        Boolean livemode,
        String account,
        JsonNode object,
        JsonNode previousAttributes,
        String raw,
        RelatedObject relatedObject) {

    /**
     * A thin event's {@code related_object}: the object's type ({@code billing.meter}), id, and
     * the API path to fetch it ({@code /v1/billing/meters/mtr_123}; null if the event gave none).
     */
    public record RelatedObject(String type, String id, String url) {
    }

    /** Parses and checks one event. Throws with a message fit to show the sender. */
    public static StripeEvent parse(String raw) throws InvalidEventException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("The body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + "). Expected one Stripe event object.");
        } catch (IOException e) {
            throw new InvalidEventException("The body could not be read as JSON: " + e.getMessage());
        }
        return of(root, raw);
    }

    /**
     * Checks an event already parsed (one read from {@code /v1/events}); {@code raw} is the text
     * to store for it.
     */
    public static StripeEvent of(JsonNode root, String raw) throws InvalidEventException {
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("Expected a JSON object (a Stripe event), got "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()) + ".");
        }
        String id = requiredText(root, "id");
        String type = requiredText(root, "type");
        String objectKind = root.path("object").asText("");
        if (!objectKind.equals("event") && !objectKind.equals("v2.core.event")) {
            throw new InvalidEventException("Field 'object' is '" + objectKind
                    + "', expected 'event': this does not look like a Stripe event.");
        }
        long created = created(root.get("created"));
        JsonNode data = root.path("data");
        JsonNode object = data.path("object");
        JsonNode previous = data.path("previous_attributes");
        return new StripeEvent(
                id,
                type,
                created,
                textOrNull(root.get("api_version")),
                root.path("livemode").isBoolean() ? root.get("livemode").booleanValue() : null,
                textOrNull(root.get("account")),
                object.isObject() ? object : null,
                previous.isObject() ? previous : null,
                raw,
                relatedObject(root.get("related_object")));
    }

    /** The id of {@code data.object}, or null: some events ({@code invoice.upcoming}) have none. */
    public String objectId() {
        return object == null ? null : textOrNull(object.get("id"));
    }

    /** The {@code object} field of {@code data.object} ("customer", "checkout.session", ...), or null. */
    public String objectType() {
        return object == null ? null : textOrNull(object.get("object"));
    }

    /** True when the event carries an object that can be filed as a version. */
    public boolean hasObject() {
        return objectId() != null && objectType() != null;
    }

    private static String requiredText(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new InvalidEventException("Field '" + field + "' is missing or not a non-empty string;"
                    + " every Stripe event has one.");
        }
        return node.asText();
    }

    private static long created(JsonNode node) throws InvalidEventException {
        if (node != null && node.canConvertToLong() && node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node != null && node.isTextual()) {
            try {
                return Instant.parse(node.asText()).getEpochSecond(); // v2 (thin) events use RFC 3339
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
        }
        throw new InvalidEventException("Field 'created' is missing or not a Unix timestamp in seconds.");
    }

    private static final Pattern API_PATH = Pattern.compile("/v[12]/[A-Za-z0-9_./-]+");

    private static RelatedObject relatedObject(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        String type = textOrNull(node.get("type"));
        String id = textOrNull(node.get("id"));
        String url = textOrNull(node.get("url"));
        // Only a plain path on the API is kept: a full URL could point anywhere, with our key.
        return type == null || id == null ? null
                : new RelatedObject(type, id, url != null && API_PATH.matcher(url).matches() && !url.contains("..") ? url : null);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.asText();
    }
}
