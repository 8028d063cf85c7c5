package dev.opensigma.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Everything the simulator holds, per account: objects as pre-rendered JSON in their lists, and
 * events. Readers (HTTP requests) never lock; writers ({@link #commit}) are serialized by the caller.
 */
final class Store {

    private final Accounts accounts;
    private final Map<String, AccountData> data = new LinkedHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Slabs slabs = new Slabs();

    Store(Accounts accounts) {
        this.accounts = accounts;
        for (Account a : accounts.all()) {
            data.put(a.id(), new AccountData(a));
        }
    }

    Accounts accounts() {
        return accounts;
    }

    AccountData account(String id) {
        return data.get(id);
    }

    List<AccountData> all() {
        return List.copyOf(data.values());
    }

    /** Writes a story's new and changed objects and its events; returns the stored events in order. */
    List<StoredObject> commit(Story story, Consumer<StoredObject> onEvent) {
        for (Obj o : story.created()) {
            insert(o);
        }
        for (Obj o : story.changed()) {
            o.stored.update(slabs.store(render(o)), facets(o.type, o.node), o.deleted);
        }
        List<StoredObject> stored = new ArrayList<>(story.events().size());
        for (Story.PendingEvent e : story.events()) {
            StoredObject event = new StoredObject(e.account(), "event", e.id(), null, e.created(), sequence.incrementAndGet(),
                    slabs.store(e.json()), new String[] {e.type()});
            AccountData account = data.get(e.account());
            account.eventsById.put(e.id(), event);
            account.events.add(event);
            stored.add(event);
            if (onEvent != null) {
                onEvent.accept(event);
            }
        }
        return stored;
    }

    private void insert(Obj o) {
        Bytes json = slabs.store(o.json != null ? o.json : render(o));
        o.json = null;
        String[] facets = o.facets != null ? o.facets : facets(o.type, o.node);
        StoredObject s = new StoredObject(o.account, o.type, o.id, o.parentId, o.created, sequence.incrementAndGet(), json,
                facets);
        if (o.deleted) {
            s.update(json, facets, true);
        }
        o.stored = s;
        AccountData account = data.get(o.account);
        account.byId.put(o.id, s);
        for (String list : o.lists) {
            account.list(list).add(s);
        }
    }

    /** The object as a mutable {@link Obj} again, with its inline children, to change it. */
    Obj load(StoredObject s) {
        Obj o = new Obj(s.account, s.type, s.id, s.parentId, s.created, parse(s.bytes()), List.of());
        o.stored = s;
        o.deleted = s.deleted();
        Embeds.Embed embed = Embeds.of(s.type);
        if (embed != null) {
            Listing children = data.get(s.account).existingList(Resources.childKey(s.id, embed.childList()));
            if (children != null) {
                List<Obj> kids = new ArrayList<>();
                for (StoredObject c : children.all()) {
                    if (c.deleted()) {
                        continue; // a removed subscription item: no longer in its parent's list
                    }
                    Obj child = new Obj(c.account, c.type, c.id, c.parentId, c.created, parse(c.bytes()), List.of());
                    child.stored = c;
                    kids.add(child);
                }
                // The list holds them in display order; embed() would reverse newest-first lists.
                if (Resources.childOrder(embed.childList()) == Listing.Order.NEWEST_FIRST) {
                    java.util.Collections.reverse(kids);
                }
                kids.forEach(o::embed);
            }
        }
        return o;
    }

    static byte[] render(Obj o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o.rendered());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String[] facets(String type, ObjectNode node) {
        List<String> names = Resources.facets(type);
        String[] values = new String[names.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(names.get(i));
            values[i] = v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.path("id").asText(null);
        }
        return values;
    }

    static ObjectNode parse(Bytes json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json.array(), json.offset(), json.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long nextSequence() {
        return sequence.incrementAndGet();
    }
}
