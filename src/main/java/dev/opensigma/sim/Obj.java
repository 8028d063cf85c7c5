package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An object being generated or changed: its state as a JSON tree, the lists it belongs to, and
 * the children its parent renders inline ({@link Embeds}). {@link #rendered()} is the state as the
 * API shows it. Once written to the store it keeps its {@link StoredObject}.
 */
final class Obj {

    final String account;
    final String type;
    final String id;
    final String parentId;
    final long created;
    final List<String> lists;
    ObjectNode node;
    boolean deleted;
    StoredObject stored;
    /** The final state, rendered ahead of the commit (in the story's own thread). */
    byte[] json;
    String[] facets;
    private final Embeds.Embed embed;
    private final List<Obj> embedded;

    Obj(String account, String type, String id, String parentId, long created, ObjectNode node, List<String> lists) {
        this.account = account;
        this.type = type;
        this.id = id;
        this.parentId = parentId;
        this.created = created;
        this.node = node;
        this.lists = lists;
        this.embed = Embeds.of(type);
        this.embedded = embed == null ? List.of() : new ArrayList<>();
    }

    /** Adds a child to the inline list, where the full list shows it (newest first, or in order). */
    void embed(Obj child) {
        if (Resources.childOrder(embed.childList()) == Listing.Order.CREATION) {
            embedded.add(child);
        } else {
            embedded.addFirst(child);
        }
    }

    /** Takes a child off the inline list (a subscription item removed). */
    void unembed(Obj child) {
        embedded.remove(child);
    }

    List<Obj> embedded() {
        return embedded;
    }

    /** The state as served, with the inline list rebuilt from the children's current states. */
    ObjectNode rendered() {
        if (embed != null) {
            ObjectNode list = JsonNodeFactory.instance.objectNode().put("object", "list");
            var data = list.putArray("data");
            for (int i = 0; i < Math.min(Embeds.MAX_EMBEDDED, embedded.size()); i++) {
                data.add(embedded.get(i).rendered());
            }
            list.put("has_more", embedded.size() > Embeds.MAX_EMBEDDED).put("total_count", embedded.size())
                    .put("url", embed.url(id));
            node.set(embed.field(), list);
        }
        return node;
    }

    String text(String field) {
        return node.path(field).asText(null);
    }

    long number(String field) {
        return node.path(field).asLong();
    }
}
