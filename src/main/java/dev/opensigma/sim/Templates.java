package dev.opensigma.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Stripe's own sample object of each type (from Stripe's OpenAPI fixtures, MIT licensed; see
 * {@code stripe-fixtures.LICENSE}), the starting point of every generated object so shapes stay
 * Stripe's. Callers get a copy and set what the story decides.
 */
final class Templates {

    private static final Map<String, ObjectNode> TEMPLATES = load();

    private Templates() {
    }

    /** A fresh, mutable copy of Stripe's sample {@code type} object. */
    static ObjectNode of(String type) {
        ObjectNode template = TEMPLATES.get(type);
        if (template == null) {
            throw new IllegalArgumentException("No template for object type " + type + "; add it to stripe-fixtures.json");
        }
        return template.deepCopy();
    }

    private static Map<String, ObjectNode> load() {
        try (InputStream in = Templates.class.getResourceAsStream("stripe-fixtures.json")) {
            if (in == null) {
                throw new IllegalStateException("stripe-fixtures.json is missing from the jar next to " + Templates.class.getName());
            }
            JsonNode root = Json.MAPPER.readTree(in);
            Map<String, ObjectNode> map = new HashMap<>();
            root.properties().forEach(e -> map.put(e.getKey(), (ObjectNode) e.getValue()));
            return Map.copyOf(map);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the simulator's object templates", e);
        }
    }
}
