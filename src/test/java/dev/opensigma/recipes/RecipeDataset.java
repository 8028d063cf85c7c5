package dev.opensigma.recipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A small Stripe account whose every figure is known, written as the events Stripe would send
 * (times in UTC). The expected results in {@link RecipesTest} are worked out from this story by
 * hand:
 *
 * <pre>
 * customers   cus_ada  ada@example.com        segment enterprise
 *             cus_bob  bob@ → robert@ on 03-10 (previous_attributes)      segment smb
 *             cus_cy   cy@ → cyrus@ on 04-02 (no previous_attributes)     segment enterprise
 *             cus_dee  dee@example.com, deleted 05-15 09:00               segment smb
 *             cus_eve  created as eev@ and fixed to eve@ in the same second (02-25 11:00)
 * prices      price_basic 10.00/month, price_pro 1,200.00/year (100.00/month)
 * deleted     prod_legacy 04-10; price_old and prod_old 05-20 10:00 (same second)
 * subs        sub_1 cus_ada  2 x basic          active 01-10, canceled 04-15 09:00
 *             sub_2 cus_bob  1 x basic          trialing 02-01 08:00, active 02-15 08:00 (+ metadata,
 *                                               same second), past_due 03-20, active 04-05, canceled 06-10
 *             sub_3 cus_cy   1 x pro            active 02-20, canceled 05-31 23:59:59
 *             sub_4 cus_eve  3 x basic          active 03-02, canceled 03-25
 *             sub_5 cus_ada  1 x basic + 1 x pro active 01-20; basic quantity 1 → 4 on 03-15
 * charges     ch_1  cus_ada 20.00  succeeded 03-10
 *             ch_2  cus_ada 110.00 succeeded 03-20; refunds re_1 30.00 (03-25), re_2 20.00 (04-02)
 *             ch_3  cus_bob 10.00  failed card_declined 03-20
 *             ch_4  cus_bob 10.00  failed insufficient_funds 04-03
 *             ch_5  cus_bob 10.00  succeeded 04-05
 *             ch_6  cus_cy  100.00 succeeded 04-10; dispute dp_1: warning_needs_response 04-20 →
 *                                  needs_response 04-21 → (evidence only 04-22) → under_review 04-25 → won 05-20
 *             ch_7  cus_eve 30.00  failed card_declined 04-12
 *             ch_8  cus_eve 30.00  pending → succeeded in the same second, 04-12 09:30
 *             ch_9  cus_dee 5.00   succeeded 05-02; fully refunded (re_3) 05-03
 *             ch_10 cus_ada 20.00  pending 05-28
 *             ch_11 (guest) 7.00   succeeded 05-05
 * invoices    in_1 2 lines, in_2 3 lines, in_3 1 line, in_4 3 lines then a 4th added
 * warnings    issfr_1 on ch_6 2 h ago; issfr_2 on ch_5 30 h ago; issfr_3 on ch_8 5 h ago, settled 4 h ago
 * </pre>
 */
final class RecipeDataset {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Instant now;
    private final List<String> events = new ArrayList<>();
    private int sequence;

    private RecipeDataset(Instant now) {
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The events, in Stripe's order; fraud warnings are placed relative to {@code now}. */
    static List<String> events(Instant now) {
        RecipeDataset d = new RecipeDataset(now);
        d.build();
        return List.copyOf(d.events);
    }

    private void build() {
        catalog();
        customers();
        subscriptions();
        charges();
        invoices();
        dispute();
        fraudWarnings();
    }

    private void catalog() {
        ObjectNode basic = product("prod_basic", "Basic", "2026-01-01 00:00");
        emit("product.created", "2026-01-01 00:00", basic, null);
        emit("price.created", "2026-01-01 00:00", price("price_basic", "prod_basic", 1000, "month", "2026-01-01 00:00"), null);
        emit("product.created", "2026-01-01 00:00", product("prod_pro", "Pro", "2026-01-01 00:00"), null);
        emit("price.created", "2026-01-01 00:00", price("price_pro", "prod_pro", 120000, "year", "2026-01-01 00:00"), null);

        ObjectNode legacy = product("prod_legacy", "Legacy", "2025-12-01 00:00");
        emit("product.created", "2025-12-01 00:00", legacy, null);
        emit("product.deleted", "2026-04-10 08:00", legacy, null);

        ObjectNode old = product("prod_old", "Old", "2026-01-02 00:00");
        ObjectNode oldPrice = price("price_old", "prod_old", 500, "month", "2026-01-02 00:00");
        emit("product.created", "2026-01-02 00:00", old, null);
        emit("price.created", "2026-01-02 00:00", oldPrice, null);
        emit("price.deleted", "2026-05-20 10:00", oldPrice, null);
        emit("product.deleted", "2026-05-20 10:00", old, null);
    }

    private void customers() {
        emit("customer.created", "2026-01-05 10:00", customer("cus_ada", "ada@example.com", "enterprise", "2026-01-05 10:00"), null);

        ObjectNode bob = customer("cus_bob", "bob@example.com", "smb", "2026-01-25 09:00");
        emit("customer.created", "2026-01-25 09:00", bob, null);
        emit("customer.updated", "2026-03-10 12:00", bob.deepCopy().put("email", "robert@example.com"),
                F.objectNode().put("email", "bob@example.com"));

        ObjectNode cy = customer("cus_cy", "cy@example.com", "enterprise", "2026-02-10 16:00");
        emit("customer.created", "2026-02-10 16:00", cy, null);
        // A relayed copy without previous_attributes: the change is found by comparing versions.
        emit("customer.updated", "2026-04-02 15:30", cy.deepCopy().put("email", "cyrus@example.com"), null);

        ObjectNode dee = customer("cus_dee", "dee@example.com", "smb", "2026-02-12 08:00");
        emit("customer.created", "2026-02-12 08:00", dee, null);
        emit("customer.deleted", "2026-05-15 09:00", dee, null);

        // A typo fixed in the second of the signup.
        ObjectNode eve = customer("cus_eve", "eev@example.com", "startup", "2026-02-25 11:00");
        emit("customer.created", "2026-02-25 11:00", eve, null);
        emit("customer.updated", "2026-02-25 11:00", eve.deepCopy().put("email", "eve@example.com"),
                F.objectNode().put("email", "eev@example.com"));
    }

    private void subscriptions() {
        ObjectNode sub1 = subscription("sub_1", "cus_ada", "active", "2026-01-10 10:00",
                item("si_1", "sub_1", "price_basic", 2, "2026-01-10 10:00"));
        emit("customer.subscription.created", "2026-01-10 10:00", sub1, null);
        emit("customer.subscription.deleted", "2026-04-15 09:00", canceled(sub1, "2026-04-15 09:00"), null);

        ObjectNode sub2 = subscription("sub_2", "cus_bob", "trialing", "2026-02-01 08:00",
                item("si_2", "sub_2", "price_basic", 1, "2026-02-01 08:00"));
        emit("customer.subscription.created", "2026-02-01 08:00", sub2, null);
        ObjectNode active = sub2.deepCopy().put("status", "active");
        emit("customer.subscription.updated", "2026-02-15 08:00", active, F.objectNode().put("status", "trialing"));
        ObjectNode seats = active.deepCopy();
        ((ObjectNode) seats.get("metadata")).put("seats", "5");
        ObjectNode noSeats = F.objectNode();
        noSeats.putObject("metadata").putNull("seats");
        emit("customer.subscription.updated", "2026-02-15 08:00", seats, noSeats); // same second
        ObjectNode pastDue = seats.deepCopy().put("status", "past_due");
        emit("customer.subscription.updated", "2026-03-20 06:00", pastDue, F.objectNode().put("status", "active"));
        ObjectNode again = seats.deepCopy();
        emit("customer.subscription.updated", "2026-04-05 06:00", again, F.objectNode().put("status", "past_due"));
        emit("customer.subscription.deleted", "2026-06-10 06:00", canceled(again, "2026-06-10 06:00"), null);

        ObjectNode sub3 = subscription("sub_3", "cus_cy", "active", "2026-02-20 14:00",
                item("si_3", "sub_3", "price_pro", 1, "2026-02-20 14:00"));
        emit("customer.subscription.created", "2026-02-20 14:00", sub3, null);
        emit("customer.subscription.deleted", "2026-05-31 23:59:59", canceled(sub3, "2026-05-31 23:59:59"), null);

        ObjectNode sub4 = subscription("sub_4", "cus_eve", "active", "2026-03-02 09:00",
                item("si_4", "sub_4", "price_basic", 3, "2026-03-02 09:00"));
        emit("customer.subscription.created", "2026-03-02 09:00", sub4, null);
        emit("customer.subscription.deleted", "2026-03-25 09:00", canceled(sub4, "2026-03-25 09:00"), null);

        ObjectNode sub5 = subscription("sub_5", "cus_ada", "active", "2026-01-20 10:00",
                item("si_5a", "sub_5", "price_basic", 1, "2026-01-20 10:00"),
                item("si_5b", "sub_5", "price_pro", 1, "2026-01-20 10:00"));
        emit("customer.subscription.created", "2026-01-20 10:00", sub5, null);
        ObjectNode more = sub5.deepCopy();
        ((ObjectNode) more.get("items").get("data").get(0)).put("quantity", 4);
        emit("customer.subscription.updated", "2026-03-15 10:00", more, null);
        // The pro add-on taken off: Stripe sends no event about the item, only the subscription's list without it.
        ObjectNode fewer = more.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) fewer.get("items").get("data")).remove(1);
        ((ObjectNode) fewer.get("items")).put("total_count", 1);
        emit("customer.subscription.updated", "2026-04-20 10:00", fewer, null);
    }

    private void charges() {
        emit("charge.succeeded", "2026-03-10 10:00", charge("ch_1", "cus_ada", 2000, "succeeded", null, "2026-03-10 10:00"), null);

        ObjectNode ch2 = charge("ch_2", "cus_ada", 11000, "succeeded", null, "2026-03-20 10:00");
        emit("charge.succeeded", "2026-03-20 10:00", ch2, null);
        ObjectNode re1 = refund("re_1", "ch_2", 3000, "2026-03-25 10:00");
        ObjectNode once = refunded(ch2, 3000, re1);
        emit("charge.refunded", "2026-03-25 10:00", once, F.objectNode().put("amount_refunded", 0));
        ObjectNode twice = refunded(ch2, 5000, refund("re_2", "ch_2", 2000, "2026-04-02 10:00"), re1);
        emit("charge.refunded", "2026-04-02 10:00", twice, F.objectNode().put("amount_refunded", 3000));

        emit("charge.failed", "2026-03-20 06:00", charge("ch_3", "cus_bob", 1000, "failed", "card_declined", "2026-03-20 06:00"), null);
        emit("charge.failed", "2026-04-03 06:00", charge("ch_4", "cus_bob", 1000, "failed", "insufficient_funds", "2026-04-03 06:00"), null);
        emit("charge.succeeded", "2026-04-05 06:00", charge("ch_5", "cus_bob", 1000, "succeeded", null, "2026-04-05 06:00"), null);
        emit("charge.succeeded", "2026-04-10 14:00", charge("ch_6", "cus_cy", 10000, "succeeded", null, "2026-04-10 14:00"), null);
        emit("charge.failed", "2026-04-12 09:00", charge("ch_7", "cus_eve", 3000, "failed", "card_declined", "2026-04-12 09:00"), null);
        // pending and succeeded in the same second: the status progression orders them.
        emit("charge.pending", "2026-04-12 09:30", charge("ch_8", "cus_eve", 3000, "pending", null, "2026-04-12 09:30"), null);
        emit("charge.succeeded", "2026-04-12 09:30", charge("ch_8", "cus_eve", 3000, "succeeded", null, "2026-04-12 09:30"), null);

        ObjectNode ch9 = charge("ch_9", "cus_dee", 500, "succeeded", null, "2026-05-02 12:00");
        emit("charge.succeeded", "2026-05-02 12:00", ch9, null);
        emit("charge.refunded", "2026-05-03 12:00", refunded(ch9, 500, refund("re_3", "ch_9", 500, "2026-05-03 12:00"))
                .put("refunded", true), F.objectNode().put("amount_refunded", 0).put("refunded", false));

        emit("charge.pending", "2026-05-28 12:00", charge("ch_10", "cus_ada", 2000, "pending", null, "2026-05-28 12:00"), null);
        emit("charge.succeeded", "2026-05-05 12:00", charge("ch_11", null, 700, "succeeded", null, "2026-05-05 12:00"), null);
    }

    private void invoices() {
        ObjectNode in1 = invoice("in_1", "cus_ada", "sub_1", "draft", "2026-01-10 10:00", 1000, 1000);
        emit("invoice.created", "2026-01-10 10:00", in1, null);
        emit("invoice.paid", "2026-01-10 10:00", paid(in1), null);

        ObjectNode in2 = invoice("in_2", "cus_ada", "sub_5", "draft", "2026-01-20 10:00", 1000, 10000, -500);
        emit("invoice.created", "2026-01-20 10:00", in2, null);
        emit("invoice.paid", "2026-01-20 10:00", paid(in2), null);

        emit("invoice.finalized", "2026-03-20 06:00", invoice("in_3", "cus_bob", "sub_2", "open", "2026-03-20 06:00", 1000), null);

        ObjectNode in4 = invoice("in_4", "cus_cy", "sub_3", "draft", "2026-02-20 14:00", 4000, 3000, 2000);
        emit("invoice.created", "2026-02-20 14:00", in4, null);
        ObjectNode fourth = in4.deepCopy();
        ((ArrayNode) fourth.get("lines").get("data")).add(line("in_4_line_4", "in_4", 1000));
        emit("invoice.updated", "2026-02-20 14:05", fourth, F.objectNode().put("total", 9000));
        emit("invoice.paid", "2026-02-20 15:00", paid(fourth), null);
    }

    private void dispute() {
        ObjectNode inquiry = F.objectNode().put("id", "dp_1").put("object", "dispute").put("amount", 10000)
                .put("charge", "ch_6").put("created", at("2026-04-20 10:00")).put("currency", "usd")
                .put("livemode", false).put("reason", "fraudulent").put("status", "warning_needs_response");
        inquiry.putObject("evidence").putNull("customer_name");
        inquiry.putObject("metadata");
        emit("charge.dispute.created", "2026-04-20 10:00", inquiry, null);
        ObjectNode open = inquiry.deepCopy().put("status", "needs_response");
        emit("charge.dispute.updated", "2026-04-21 10:00", open, F.objectNode().put("status", "warning_needs_response"));
        ObjectNode evidence = open.deepCopy();
        ((ObjectNode) evidence.get("evidence")).put("customer_name", "Cyrus");
        ObjectNode noName = F.objectNode();
        noName.putObject("evidence").putNull("customer_name");
        emit("charge.dispute.updated", "2026-04-22 10:00", evidence, noName); // not a status change
        ObjectNode review = evidence.deepCopy().put("status", "under_review");
        emit("charge.dispute.updated", "2026-04-25 10:00", review, F.objectNode().put("status", "needs_response"));
        emit("charge.dispute.closed", "2026-05-20 10:00", review.deepCopy().put("status", "won"), null);
    }

    private void fraudWarnings() {
        emitAt("radar.early_fraud_warning.created", now.minus(2, ChronoUnit.HOURS),
                warning("issfr_1", "ch_6", "made_with_stolen_card", true, now.minus(2, ChronoUnit.HOURS)), null);
        emitAt("radar.early_fraud_warning.created", now.minus(30, ChronoUnit.HOURS),
                warning("issfr_2", "ch_5", "card_never_received", true, now.minus(30, ChronoUnit.HOURS)), null);
        ObjectNode third = warning("issfr_3", "ch_8", "card_never_received", true, now.minus(5, ChronoUnit.HOURS));
        emitAt("radar.early_fraud_warning.created", now.minus(5, ChronoUnit.HOURS), third, null);
        emitAt("radar.early_fraud_warning.updated", now.minus(4, ChronoUnit.HOURS), third.deepCopy().put("actionable", false),
                F.objectNode().put("actionable", true));
    }

    // ---- objects ----------------------------------------------------------------------------

    private static ObjectNode product(String id, String name, String created) {
        ObjectNode p = F.objectNode().put("id", id).put("object", "product").put("active", true)
                .put("created", at(created)).put("livemode", false).put("name", name).put("type", "service")
                .put("updated", at(created));
        p.putObject("metadata");
        return p;
    }

    private static ObjectNode price(String id, String product, long unitAmount, String interval, String created) {
        ObjectNode p = F.objectNode().put("id", id).put("object", "price").put("active", true)
                .put("billing_scheme", "per_unit").put("created", at(created)).put("currency", "usd")
                .put("livemode", false).put("product", product).put("type", "recurring")
                .put("unit_amount", unitAmount);
        p.putObject("recurring").put("interval", interval).put("interval_count", 1).put("usage_type", "licensed");
        p.putObject("metadata");
        return p;
    }

    private static ObjectNode customer(String id, String email, String segment, String created) {
        ObjectNode c = F.objectNode().put("id", id).put("object", "customer").put("balance", 0)
                .put("created", at(created)).put("currency", "usd").put("delinquent", false).put("email", email)
                .put("livemode", false).putNull("name");
        c.putObject("metadata").put("segment", segment);
        return c;
    }

    private static ObjectNode item(String id, String subscription, String price, int quantity, String created) {
        long unitAmount = price.equals("price_pro") ? 120000 : 1000;
        String interval = price.equals("price_pro") ? "year" : "month";
        String product = price.equals("price_pro") ? "prod_pro" : "prod_basic";
        ObjectNode i = F.objectNode().put("id", id).put("object", "subscription_item").put("created", at(created))
                .put("quantity", quantity).put("subscription", subscription);
        i.set("price", price(price, product, unitAmount, interval, "2026-01-01 00:00"));
        i.putObject("metadata");
        return i;
    }

    private static ObjectNode subscription(String id, String customer, String status, String created, ObjectNode... items) {
        ObjectNode s = F.objectNode().put("id", id).put("object", "subscription")
                .put("billing_cycle_anchor", at(created)).put("cancel_at_period_end", false).putNull("canceled_at")
                .put("collection_method", "charge_automatically").put("created", at(created)).put("currency", "usd")
                .put("customer", customer).putNull("ended_at");
        ObjectNode list = s.putObject("items").put("object", "list");
        ArrayNode data = list.putArray("data");
        for (ObjectNode item : items) {
            data.add(item);
        }
        list.put("has_more", false).put("total_count", items.length).put("url", "/v1/subscription_items?subscription=" + id);
        s.put("livemode", false).putObject("metadata");
        s.put("start_date", at(created)).put("status", status);
        return s;
    }

    private static ObjectNode canceled(ObjectNode subscription, String when) {
        return subscription.deepCopy().put("status", "canceled").put("canceled_at", at(when)).put("ended_at", at(when));
    }

    private static ObjectNode charge(String id, String customer, long amount, String status, String failureCode,
                                     String created) {
        ObjectNode c = F.objectNode().put("id", id).put("object", "charge").put("amount", amount)
                .put("amount_captured", status.equals("succeeded") ? amount : 0).put("amount_refunded", 0)
                .put("captured", status.equals("succeeded")).put("created", at(created)).put("currency", "usd")
                .put("customer", customer).put("disputed", false).put("failure_code", failureCode)
                .put("failure_message", failureCode == null ? null : "Your card was declined.")
                .put("livemode", false).put("paid", status.equals("succeeded")).put("refunded", false)
                .put("status", status);
        c.putObject("metadata");
        ObjectNode refunds = c.putObject("refunds").put("object", "list");
        refunds.putArray("data");
        refunds.put("has_more", false).put("total_count", 0).put("url", "/v1/charges/" + id + "/refunds");
        return c;
    }

    private static ObjectNode refund(String id, String charge, long amount, String created) {
        ObjectNode r = F.objectNode().put("id", id).put("object", "refund").put("amount", amount).put("charge", charge)
                .put("created", at(created)).put("currency", "usd").put("reason", "requested_by_customer")
                .put("status", "succeeded");
        r.putObject("metadata");
        return r;
    }

    private static ObjectNode refunded(ObjectNode charge, long amountRefunded, ObjectNode... refunds) {
        ObjectNode c = charge.deepCopy().put("amount_refunded", amountRefunded);
        ObjectNode list = (ObjectNode) c.get("refunds");
        ArrayNode data = list.putArray("data");
        for (ObjectNode r : refunds) {
            data.add(r);
        }
        list.put("total_count", refunds.length);
        return c;
    }

    private static ObjectNode invoice(String id, String customer, String subscription, String status, String created,
                                      long... lineAmounts) {
        long total = 0;
        for (long a : lineAmounts) {
            total += a;
        }
        ObjectNode i = F.objectNode().put("id", id).put("object", "invoice").put("amount_due", total)
                .put("amount_paid", 0).put("amount_remaining", total).put("created", at(created)).put("currency", "usd")
                .put("customer", customer).put("livemode", false).put("status", status)
                .put("subscription", subscription).put("total", total);
        ObjectNode lines = i.putObject("lines").put("object", "list");
        ArrayNode data = lines.putArray("data");
        for (int k = 0; k < lineAmounts.length; k++) {
            data.add(line(id + "_line_" + (k + 1), id, lineAmounts[k]));
        }
        lines.put("has_more", false).put("url", "/v1/invoices/" + id + "/lines");
        i.putObject("metadata");
        return i;
    }

    private static ObjectNode line(String id, String invoice, long amount) {
        return F.objectNode().put("id", id).put("object", "line_item").put("amount", amount).put("currency", "usd")
                .put("invoice", invoice).put("quantity", 1);
    }

    private static ObjectNode paid(ObjectNode invoice) {
        long total = 0;
        for (JsonNode line : invoice.get("lines").get("data")) {
            total += line.get("amount").asLong();
        }
        return invoice.deepCopy().put("status", "paid").put("amount_due", total).put("amount_paid", total)
                .put("amount_remaining", 0).put("total", total);
    }

    private static ObjectNode warning(String id, String charge, String fraudType, boolean actionable, Instant created) {
        return F.objectNode().put("id", id).put("object", "radar.early_fraud_warning").put("actionable", actionable)
                .put("charge", charge).put("created", created.getEpochSecond()).put("fraud_type", fraudType)
                .put("livemode", false);
    }

    // ---- plumbing ---------------------------------------------------------------------------

    /** Seconds since the epoch of a UTC time written "yyyy-MM-dd HH:mm[:ss]". */
    static long at(String utc) {
        String iso = utc.replace(' ', 'T');
        return LocalDateTime.parse(iso.length() == 16 ? iso + ":00" : iso).toEpochSecond(ZoneOffset.UTC);
    }

    private void emit(String type, String when, ObjectNode object, ObjectNode previous) {
        emitAt(type, Instant.ofEpochSecond(at(when)), object, previous);
    }

    private void emitAt(String type, Instant created, ObjectNode object, ObjectNode previous) {
        ObjectNode event = F.objectNode().put("id", String.format("evt_%03d", ++sequence)).put("object", "event")
                .put("api_version", "2026-07-29.dahlia").put("created", created.getEpochSecond())
                .put("livemode", false).put("type", type);
        ObjectNode data = event.putObject("data");
        data.set("object", object.deepCopy());
        if (previous != null) {
            data.set("previous_attributes", previous);
        }
        try {
            events.add(Json.MAPPER.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
