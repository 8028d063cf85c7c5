package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.Applying;
import dev.opensigma.support.Events;
import dev.opensigma.support.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stripe sends no event when an item leaves a subscription or a line leaves a draft invoice; the
 * parent's next version just lists it no longer. The child must then be deleted, at that version,
 * whatever order the parent's versions arrive in.
 */
class RemovedChildrenTest {

    private static final long T0 = 1_760_100_000L;

    private static Database db;
    private static Applying applying;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh();
        applying = new Applying(db, 2, 50);
    }

    @AfterAll
    static void stop() {
        applying.close();
        db.close();
    }

    /**
     * A subscription's life: created with items a and b; c added; b taken off (in the same second,
     * ordered by previous_attributes); then a taken off.
     */
    private static List<String> subscriptionLife(String n) {
        return List.of(
                subscription("evt_" + n + "_1", "customer.subscription.created", T0, n, null, "a", "b"),
                subscription("evt_" + n + "_2", "customer.subscription.updated", T0 + 10, n, null, "a", "b", "c"),
                subscription("evt_" + n + "_3", "customer.subscription.updated", T0 + 10, n,
                        "{\"items\":" + items(n, false, "a", "b", "c") + "}", "a", "c"),
                subscription("evt_" + n + "_4", "customer.subscription.updated", T0 + 30, n, null, "c"));
    }

    private static String subscription(String eventId, String type, long created, String n, String previous,
                                       String... items) {
        String object = """
                {"id":"sub_rm_%s","object":"subscription","status":"active","metadata":{},"items":%s}"""
                .formatted(n, items(n, false, items));
        return Events.event(eventId, type, created, object, previous);
    }

    private static String items(String n, boolean hasMore, String... items) {
        String data = java.util.Arrays.stream(items).map(item -> """
                {"id":"si_%s_%s","object":"subscription_item","quantity":1,"subscription":"sub_rm_%s"}"""
                .formatted(item, n, n)).collect(Collectors.joining(","));
        return """
                {"object":"list","data":[%s],"has_more":%s,"url":"/v1/subscription_items?subscription=sub_rm_%s"}"""
                .formatted(data, hasMore, n);
    }

    @Test
    void anItemThatTheNextVersionNoLongerListsIsDeletedAtThatVersion() throws Exception {
        for (String event : subscriptionLife("inorder")) {
            applying.apply(event);
        }

        assertThat(TestDatabase.rows(db, "select id, deleted::text, event_id from subscription_items"
                + " where parent_id = 'sub_rm_inorder' order by id"))
                .containsExactly(List.of("si_a_inorder", "true", "evt_inorder_4"),
                        List.of("si_b_inorder", "true", "evt_inorder_3"),
                        List.of("si_c_inorder", "false", "evt_inorder_4"));
        // No one saw the removed item's state then: its data is what Stripe answers for a deleted object.
        assertThat(TestDatabase.rows(db, "select data::text from subscription_items where id = 'si_b_inorder'"))
                .containsExactly(List.of("{\"id\": \"si_b_inorder\", \"object\": \"subscription_item\", \"deleted\": true}"));
        assertThat(TestDatabase.rows(db, "select version::text, event_id, deleted::text, source, extract(epoch from valid_from)::bigint::text"
                + " from history where object_type = 'subscription_item' and id = 'si_b_inorder' order by version"))
                .as("the history view hides a child's unchanged copies (V10): created, then removed")
                .containsExactly(
                        List.of("1", "evt_inorder_1", "false", "import", Long.toString(T0)),
                        List.of("2", "evt_inorder_3", "true", "import", Long.toString(T0 + 10)));
        assertThat(TestDatabase.rows(db, "select deleted::text from search_documents where id = 'si_b_inorder'"))
                .containsExactly(List.of("true"));
        assertThat(TestDatabase.rows(db, "select count(*)::text from subscriptions_as_of(to_timestamp(" + (T0 + 5)
                + ")) s, jsonb_array_elements(s.items -> 'data') i where s.id = 'sub_rm_inorder'"))
                .containsExactly(List.of("2"));
    }

    @Test
    void everyArrivalOrderGivesTheSameRemovals() throws Exception {
        List<String> reference = null;
        Random random = new Random(7);
        for (int trial = 0; trial < 16; trial++) {
            String n = "perm" + trial;
            List<String> arrival = new ArrayList<>(subscriptionLife(n));
            if (trial == 1) {
                // b's removal is first recorded at the last version, then moves back when the version between arrives.
                arrival = List.of(arrival.get(0), arrival.get(3), arrival.get(1), arrival.get(2));
            } else if (trial > 0) {
                Collections.shuffle(arrival, random);
                arrival.add(random.nextInt(arrival.size()), arrival.get(random.nextInt(arrival.size())));
            }
            if (trial % 2 == 0) {
                applying.apply(arrival); // together: several land in one batch
            } else {
                for (String event : arrival) {
                    applying.apply(event); // one commit each
                }
            }
            List<String> history = TestDatabase.rows(db, """
                    select object_type, id, version::text, event_id, deleted::text, data::text from history
                    where (object_type, id) in (select object_type, id from object_versions
                                                where parent_id = 'sub_rm_%s' or id = 'sub_rm_%s')
                    order by object_type, id, version""".formatted(n, n)).stream()
                    .map(row -> String.join(" | ", row).replace(n, "N")).toList();
            List<String> current = TestDatabase.rows(db,
                    "select id, deleted::text, event_id from subscription_items where parent_id = 'sub_rm_" + n
                            + "' order by id").stream().map(row -> String.join(" | ", row).replace(n, "N")).toList();
            assertThat(current).as("trial %d, arrival %s", trial, arrival.stream().map(e -> e.substring(7, e.indexOf('"', 7))).toList())
                    .containsExactly("si_a_N | true | evt_N_4", "si_b_N | true | evt_N_3", "si_c_N | false | evt_N_4");
            assertThat(TestDatabase.rows(db, "select id, count(*)::text from object_versions where parent_id = 'sub_rm_"
                    + n + "' and deleted group by id order by id").stream().map(row -> row.get(1)).toList())
                    .as("one removal each, in trial %d", trial).containsExactly("1", "1");
            if (reference == null) {
                reference = history;
            }
            assertThat(history).as("history in trial %d", trial).isEqualTo(reference);
        }
    }

    @Test
    void aListThatSaysItHasMoreRemovesNothing() throws Exception {
        applying.apply(subscription("evt_more_1", "customer.subscription.created", T0, "more", null, "a", "b"));
        String partial = """
                {"id":"sub_rm_more","object":"subscription","status":"active","metadata":{},"items":%s}"""
                .formatted(items("more", true, "a"));
        applying.apply(Events.event("evt_more_2", "customer.subscription.updated", T0 + 5, partial, null));

        assertThat(TestDatabase.rows(db, "select id, deleted::text from subscription_items where parent_id = 'sub_rm_more' order by id"))
                .containsExactly(List.of("si_a_more", "false"), List.of("si_b_more", "false"));
    }

    @Test
    void aSnapshotOfTheParentRemovesLinesTooWithoutAnEvent() throws Exception {
        String invoice = """
                {"id":"in_rm","object":"invoice","status":"draft","metadata":{},"lines":{"object":"list","data":[
                {"id":"il_rm_1","object":"line_item","amount":100,"invoice":"in_rm"},
                {"id":"il_rm_2","object":"line_item","amount":200,"invoice":"in_rm"}],
                "has_more":false,"url":"/v1/invoices/in_rm/lines"}}""";
        applying.apply(Events.event("evt_rm_invoice", "invoice.created", T0, invoice, null));
        JsonNode fetched = Json.MAPPER.readTree(invoice);
        ((com.fasterxml.jackson.databind.node.ArrayNode) fetched.path("lines").path("data")).remove(1);
        Instant observedAt = Instant.ofEpochSecond(T0 + 60, 250_000_000);
        applying.apply(Observation.snapshot(fetched, observedAt, null, null));

        assertThat(TestDatabase.rows(db, "select id, deleted::text, coalesce(event_id, '-') from invoice_line_items"
                + " where parent_id = 'in_rm' order by id"))
                .containsExactly(List.of("il_rm_1", "false", "-"), List.of("il_rm_2", "true", "-"));
        assertThat(TestDatabase.rows(db, "select source, valid_from = to_timestamp(" + (T0 + 60) + ".25)"
                + " from object_versions where id = 'il_rm_2' and deleted"))
                .containsExactly(List.of("backfill", "t"));
    }

    @Test
    void aDeletedInvoiceTakesItsLinesWithItInEitherArrivalOrder() throws Exception {
        for (String order : List.of("inorder", "reversed")) {
            String invoice = """
                    {"id":"in_del_%1$s","object":"invoice","status":"draft","metadata":{},"lines":{"object":"list","data":[
                    {"id":"il_del_%1$s_1","object":"line_item","amount":100,"invoice":"in_del_%1$s"},
                    {"id":"il_del_%1$s_2","object":"line_item","amount":200,"invoice":"in_del_%1$s"}],
                    "has_more":false,"url":"/v1/invoices/in_del_%1$s/lines"}}""".formatted(order);
            List<String> events = new ArrayList<>(List.of(
                    Events.event("evt_del_" + order + "_1", "invoice.created", T0, invoice, null),
                    Events.event("evt_del_" + order + "_2", "invoice.deleted", T0 + 90, invoice, null)));
            if (order.equals("reversed")) {
                Collections.reverse(events);
            }
            for (String event : events) {
                applying.apply(event);
            }

            assertThat(TestDatabase.rows(db, "select id, deleted::text, event_id from invoice_line_items"
                    + " where parent_id = 'in_del_" + order + "' order by id"))
                    .as(order)
                    .containsExactly(List.of("il_del_" + order + "_1", "true", "evt_del_" + order + "_2"),
                            List.of("il_del_" + order + "_2", "true", "evt_del_" + order + "_2"));
            assertThat(TestDatabase.rows(db, "select count(*)::text from invoice_line_items_as_of(to_timestamp("
                    + (T0 + 30) + ")) where parent_id = 'in_del_" + order + "'"))
                    .as("before the deletion, %s", order).containsExactly(List.of("2"));
        }
    }

    @Test
    void aRemovalThatAListReadFoundStaysWhenALateEventOfTheParentArrives() throws Exception {
        String invoice = """
                {"id":"in_lr","object":"invoice","status":"draft","metadata":{},"lines":{"object":"list","data":[%s],
                "has_more":true,"url":"/v1/invoices/in_lr/lines"}}""";
        String one = """
                {"id":"il_lr_1","object":"line_item","amount":100,"invoice":"in_lr"}""";
        String gone = """
                {"id":"il_lr_gone","object":"line_item","amount":200,"invoice":"in_lr"}""";
        applying.apply(Events.event("evt_lr_1", "invoice.created", T0, invoice.formatted(one + "," + gone), null));
        // The backfill: a snapshot of the invoice, then its lines read in full, in the same second
        // (Stripe dates its answers in whole seconds).
        Instant read = Instant.ofEpochSecond(T0 + 100);
        applying.apply(Observation.snapshot(Json.MAPPER.readTree(invoice.formatted(one)), read, null, null));
        applying.apply(Observation.childSnapshot(Json.MAPPER.readTree(one), read, null, null, "invoice", "in_lr"));
        assertThat(applying.applyListRead(new ListRead("invoice", "in_lr", null, "lines", java.util.Set.of("il_lr_1"),
                read, read, null, Source.BACKFILL))).isEqualTo(1);
        // The backfill replays an event from before its read that still lists the line.
        applying.apply(Events.event("evt_lr_2", "invoice.updated", T0 + 50, invoice.formatted(one + "," + gone), null));

        assertThat(TestDatabase.rows(db, "select id, deleted::text from invoice_line_items where parent_id = 'in_lr' order by id"))
                .containsExactly(List.of("il_lr_1", "false"), List.of("il_lr_gone", "true"));
        assertThat(TestDatabase.rows(db, "select count(*)::text from invoice_line_items_as_of(to_timestamp(" + (T0 + 60)
                + ")) where parent_id = 'in_lr'")).as("before the read").containsExactly(List.of("2"));
    }

    @Test
    void aCompleteListAfterAPartialOneTakesOffTheChildrenOnlyAListReadKnew() throws Exception {
        String invoice = """
                {"id":"in_sh","object":"invoice","status":"draft","metadata":{},"lines":{"object":"list","data":[%s],
                "has_more":%s,"url":"/v1/invoices/in_sh/lines"}}""";
        String one = """
                {"id":"il_sh_1","object":"line_item","amount":100,"invoice":"in_sh"}""";
        String two = """
                {"id":"il_sh_2","object":"line_item","amount":200,"invoice":"in_sh"}""";
        String past = """
                {"id":"il_sh_11","object":"line_item","amount":300,"invoice":"in_sh"}""";
        applying.apply(Events.event("evt_sh_1", "invoice.created", T0, invoice.formatted(one + "," + two, true), null));
        // The lines past the ones embedded, from a read of the whole list.
        applying.apply(Observation.childSnapshot(Json.MAPPER.readTree(past), Instant.ofEpochSecond(T0 + 5), null, null,
                "invoice", "in_sh"));
        // Lines taken off: the list is short enough now to be embedded whole.
        applying.apply(Events.event("evt_sh_2", "invoice.updated", T0 + 20, invoice.formatted(one, false), null));

        assertThat(TestDatabase.rows(db, "select id, deleted::text, event_id from invoice_line_items"
                + " where parent_id = 'in_sh' order by id"))
                .containsExactly(List.of("il_sh_1", "false", "evt_sh_2"), List.of("il_sh_11", "true", "evt_sh_2"),
                        List.of("il_sh_2", "true", "evt_sh_2"));
        // A late event between the two decides the complete version again: the removals stay, once each.
        applying.apply(Events.event("evt_sh_late", "invoice.updated", T0 + 10, invoice.formatted(one + "," + two, true),
                null));
        assertThat(TestDatabase.rows(db, "select id, count(*)::text from object_versions"
                + " where id in ('il_sh_2', 'il_sh_11') and deleted group by id order by id"))
                .containsExactly(List.of("il_sh_11", "1"), List.of("il_sh_2", "1"));
        assertThat(TestDatabase.rows(db, "select id from invoice_line_items where parent_id = 'in_sh' and not deleted"))
                .containsExactly(List.of("il_sh_1"));
    }
}
