package dev.opensigma.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Records changes the way Stripe makes them: each creation, update or deletion changes the
 * object's state and, when it happens inside the event window (the last 30 days), records the
 * event with the object's state right after the change — so the newest event about an object
 * always carries its current state. Changes before the window change the state silently, as
 * history older than Stripe's retention looks. A story's objects and events reach the store
 * together when it is {@linkplain Store#commit(Story) committed}.
 */
final class Story {

    /** An event, rendered when the change happened. */
    record PendingEvent(String account, String id, String type, long created, byte[] json) {
    }

    /** How many webhook deliveries an event starts with ({@code pending_webhooks}). */
    interface WebhookCount {
        int pending(String account, String eventType);

        WebhookCount NONE = (account, type) -> 0;
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    final Random random;
    final long now;
    final long windowStart;
    private final long start;
    private final Accounts accounts;
    private final WebhookCount webhooks;
    private final List<Obj> created = new ArrayList<>();
    private final Set<Obj> changed = new LinkedHashSet<>();
    private final List<PendingEvent> events = new ArrayList<>();
    private String requestId;
    private String idempotencyKey;

    Story(Random random, long start, long now, long windowStart, Accounts accounts, WebhookCount webhooks) {
        this.random = random;
        this.start = start;
        this.now = now;
        this.windowStart = windowStart;
        this.accounts = accounts;
        this.webhooks = webhooks;
    }

    List<Obj> created() {
        return created;
    }

    Set<Obj> changed() {
        return changed;
    }

    List<PendingEvent> events() {
        return events;
    }

    int objectCount() {
        return created.size();
    }

    Account account(String id) {
        return accounts.get(id);
    }

    /** A random time in {@code [from, to]}. */
    long between(long from, long to) {
        return to <= from ? from : from + (long) (random.nextDouble() * (to - from));
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** A long Stripe id of the account ({@code ch_1Pgafu...}). */
    String id(String prefix, Account account, long created) {
        return Ids.longId(prefix, created - start + World.VIRTUAL_START, account.fragment(), random);
    }

    /** Following events come from one API request (they carry its {@code request.id}). */
    void apiRequest() {
        requestId = "req_" + Ids.random(14, random);
        idempotencyKey = uuid();
    }

    /** Following events come from Stripe itself (renewals, payouts): {@code request.id} is null. */
    void automatic() {
        requestId = null;
        idempotencyKey = null;
    }

    /** A new object, listed in {@code lists}; records {@code eventType} when given and in the window. */
    Obj create(Account account, String type, String id, long t, ObjectNode node, String parentId, String eventType,
               String... lists) {
        Obj o = new Obj(account.id(), type, id, parentId, t, node, List.of(lists));
        created.add(o);
        if (eventType != null) {
            emit(eventType, o, null, t);
        }
        return o;
    }

    /** Changes {@code o}; records {@code eventType} (with {@code previous_attributes} for {@code *.updated}). */
    void change(Obj o, long t, String eventType, Consumer<ObjectNode> mutation) {
        boolean recorded = eventType != null && t >= windowStart;
        ObjectNode before = recorded && eventType.endsWith(".updated") ? o.rendered().deepCopy() : null;
        mutation.accept(o.node);
        touch(o);
        if (recorded) {
            emit(eventType, o, before == null ? null : Diff.previousAttributes(before, o.rendered()), t);
        }
    }

    /** Deletes {@code o}: it leaves every list; the event carries its full last state. */
    void delete(Obj o, long t, String eventType) {
        o.deleted = true;
        touch(o);
        if (eventType != null) {
            emit(eventType, o, null, t);
        }
    }

    /** Records an event about {@code o}'s current state, if {@code t} is inside the window. */
    void emit(String eventType, Obj o, ObjectNode previous, long t) {
        if (t < windowStart) {
            return;
        }
        Account account = accounts.get(o.account);
        ObjectNode event = F.objectNode();
        String id = Ids.longId("evt_", t - start + World.VIRTUAL_START, account.fragment(), random);
        event.put("id", id).put("object", "event");
        if (!account.platform()) {
            event.put("account", account.id());
        }
        event.put("api_version", Resources.API_VERSION).put("created", t);
        ObjectNode data = event.putObject("data");
        data.set("object", o.rendered());
        if (previous != null) {
            data.set("previous_attributes", previous);
        }
        event.put("livemode", false).put("pending_webhooks", webhooks.pending(account.id(), eventType));
        event.putObject("request").put("id", requestId).put("idempotency_key", idempotencyKey);
        event.put("type", eventType);
        try {
            events.add(new PendingEvent(account.id(), id, eventType, t, Json.MAPPER.writeValueAsBytes(event)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renders the final state of every object the story created, so that committing (one thread)
     * only files them. Call when the story is complete.
     */
    Story finish() {
        for (Obj o : created) {
            o.json = Store.render(o);
            o.facets = Store.facets(o.type, o.node);
        }
        return this;
    }

    private void touch(Obj o) {
        if (o.stored != null) {
            changed.add(o);
        }
    }

    private String uuid() {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }
}
