package dev.opensigma.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code previous_attributes} as Stripe writes them for {@code *.updated} events: the old value of
 * every field that changed, nested for hashes ({@code metadata} lists only the changed keys), whole
 * for arrays and lists, {@code null} for a field that did not exist before.
 */
final class Diff {

    private Diff() {
    }

    static ObjectNode previousAttributes(ObjectNode before, ObjectNode after) {
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode old = before.get(name);
            JsonNode now = after.get(name);
            if (old != null && old.equals(now)) {
                continue;
            }
            if (old instanceof ObjectNode o && now instanceof ObjectNode n && !"list".equals(o.path("object").asText())) {
                ObjectNode nested = previousAttributes(o, n);
                if (!nested.isEmpty()) {
                    previous.set(name, nested);
                }
            } else {
                previous.set(name, old == null ? NullNode.instance : old.deepCopy());
            }
        }
        return previous;
    }
}
