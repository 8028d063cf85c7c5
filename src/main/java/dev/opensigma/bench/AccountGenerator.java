package dev.opensigma.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.StripeEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A year of a subscription business (July 2025 to June 2026), generated as the events Stripe
 * sends, one customer's story at a time so that nothing but the price list stays in memory:
 * customers (some renamed, some with a new email, a few deleted), subscriptions with several
 * versions each (trials, payment trouble, quantity changes, cancellations), their invoices with
 * lines and the charges that pay them, one-off charges, refunds, disputes and early fraud
 * warnings. Same-second bursts (invoice created, finalized, paid, charge succeeded) are as Stripe
 * emits them. The mix is sized from a target number of objects:
 *
 * <pre>
 *   customers 15 %, subscriptions 10 % (+ their items), invoices ~15 % (+ their lines),
 *   charges ~32 %, refunds, disputes, fraud warnings, products and prices
 * </pre>
 *
 * Deterministic for a seed.
 */
public final class AccountGenerator {

    /** How many objects of each kind the account gets. */
    public record Plan(long customers, long subscriptions, long oneOffCharges) {

        /** The mix for about {@code objects} objects (children such as invoice lines included). */
        public static Plan forObjects(long objects) {
            long customers = Math.max(10, Math.round(objects * 0.15));
            long subscriptions = Math.max(5, Math.round(objects * 0.10));
            // Subscriptions bring ~1.6 charges each (first invoice, a second in half the cases, retries).
            long oneOff = Math.max(5, Math.round(objects * 0.32) - Math.round(subscriptions * 1.55));
            return new Plan(customers, subscriptions, oneOff);
        }
    }

    public static final long START = Instant.parse("2025-07-01T00:00:00Z").getEpochSecond();
    public static final long END = Instant.parse("2026-06-30T23:59:59Z").getEpochSecond();
    private static final long DAY = 86_400;
    private static final long MONTH = 30 * DAY;
    private static final String API_VERSION = com.stripe.Stripe.API_VERSION; // the version stripe-java, and so OpenSigma, pins
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Plan plan;
    private final Random random;
    private final List<ObjectNode> prices = new ArrayList<>();
    private Consumer<StripeEvent> sink;
    private long events;

    public AccountGenerator(Plan plan, long seed) {
        this.plan = plan;
        this.random = new Random(seed);
    }

    public Plan plan() {
        return plan;
    }

    /** Number of customer stories; {@code generate} reports progress in these. */
    public long stories() {
        return plan.customers();
    }

    /**
     * Emits every event of the account to {@code sink}, story by story; calls {@code progress}
     * with the number of stories done after each.
     */
    public void generate(Consumer<StripeEvent> sink, Consumer<Long> progress) {
        this.sink = sink;
        catalog();
        long customers = plan.customers();
        for (long c = 0; c < customers; c++) {
            long subscriptions = share(plan.subscriptions(), c, customers);
            long oneOff = share(plan.oneOffCharges(), c, customers);
            customerStory(subscriptions, oneOff);
            progress.accept(c + 1);
        }
    }

    /** Events emitted so far. */
    public long events() {
        return events;
    }

    /** The part of {@code total} that falls to item {@code i} of {@code n}, spread evenly. */
    private static long share(long total, long i, long n) {
        return total * (i + 1) / n - total * i / n;
    }

    // ---- stories ----------------------------------------------------------------------------

    private void catalog() {
        long t = START - 30 * DAY;
        long[] monthly = {900, 1900, 4900, 9900, 29900};
        for (int p = 0; p < 20; p++) {
            ObjectNode product = F.objectNode().put("id", "prod_" + token(14)).put("object", "product").put("active", true)
                    .put("created", t).putNull("default_price").put("description", "Plan " + p).put("livemode", false)
                    .put("name", pick("Starter", "Growth", "Scale", "Team", "Enterprise") + " " + p)
                    .put("shippable", false).put("type", "service").put("updated", t);
            product.putObject("metadata");
            emit("product.created", product, null, t);
            for (String interval : new String[] {"month", "year"}) {
                long amount = monthly[p % monthly.length] * (interval.equals("year") ? 10 : 1);
                ObjectNode price = F.objectNode().put("id", "price_" + token(14)).put("object", "price").put("active", true)
                        .put("billing_scheme", "per_unit").put("created", t).put("currency", "usd").put("livemode", false)
                        .putNull("lookup_key").putNull("nickname").put("product", product.get("id").asText())
                        .put("tax_behavior", "unspecified").put("type", "recurring").put("unit_amount", amount);
                price.putObject("metadata");
                price.putObject("recurring").put("interval", interval).put("interval_count", 1).put("usage_type", "licensed");
                emit("price.created", price, null, t);
                prices.add(price);
            }
        }
    }

    private void customerStory(long subscriptions, long oneOffCharges) {
        long signup = START + (long) (random.nextDouble() * (END - START - 40 * DAY));
        ObjectNode customer = customer(signup);
        String id = customer.get("id").asText();
        emit("customer.created", customer, null, signup);
        if (random.nextInt(3) == 0) {
            ObjectNode named = customer.deepCopy().put("name", pick("Ada", "Grace", "Alan", "Edsger", "Barbara") + " "
                    + pick("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov"));
            emit("customer.updated", named, prev("name", null), signup); // same second as the signup
            customer = named;
        }
        long last = signup;
        for (long s = 0; s < subscriptions; s++) {
            last = Math.max(last, subscriptionStory(id, signup + random.nextInt(3 * (int) DAY)));
        }
        for (long k = 0; k < oneOffCharges; k++) {
            long t = signup + (long) (random.nextDouble() * (END - signup));
            last = Math.max(last, oneOffCharge(id, customer.get("email").asText(), t));
        }
        if (random.nextInt(10) == 0) {
            long t = signup + (long) (random.nextDouble() * (END - signup));
            String old = customer.get("email").asText();
            customer = customer.deepCopy().put("email", "new-" + old);
            emit("customer.updated", customer, prev("email", old), t);
            last = Math.max(last, t);
        }
        if (random.nextInt(30) == 0 && last + DAY < END) {
            emit("customer.deleted", customer, null, last + DAY + random.nextInt((int) DAY));
        }
    }

    /** A subscription's life with its invoices and payments; returns the time of its last event. */
    private long subscriptionStory(String customer, long created) {
        boolean trial = random.nextInt(10) < 3;
        ObjectNode sub = subscription(customer, created, trial ? "trialing" : "active");
        String id = sub.get("id").asText();
        emit("customer.subscription.created", sub, null, created);
        long t = created;
        long billingStart = trial ? created + 14 * DAY : created;
        if (trial && billingStart < END) {
            sub = sub.deepCopy().put("status", "active");
            emit("customer.subscription.updated", sub, prev("status", "trialing"), billingStart);
            t = billingStart;
        }
        if (billingStart >= END) {
            return t;
        }
        String invoiceId = invoiceStory(customer, id, sub, billingStart);
        sub = sub.deepCopy().put("latest_invoice", invoiceId);
        emit("customer.subscription.updated", sub, prev("latest_invoice", null), billingStart); // the invoice's second
        t = billingStart;

        long cancelAt = random.nextInt(100) < 35 ? billingStart + DAY + (long) (random.nextDouble() * 200 * DAY) : Long.MAX_VALUE;
        if (random.nextInt(5) == 0) {
            long when = billingStart + 5 * DAY + random.nextInt(20 * (int) DAY);
            if (when < END && when < cancelAt) {
                ObjectNode more = sub.deepCopy();
                ObjectNode item = (ObjectNode) more.get("items").get("data").get(0);
                long old = item.get("quantity").asLong();
                int step = 1 + random.nextInt(4);
                ArrayNode data = (ArrayNode) more.get("items").get("data");
                if (data.size() == 2 && old == 2) {
                    // The add-on taken off instead (Stripe sends no event about the item). Decided by
                    // values already drawn, so the rest of the account stays as it was.
                    data.remove(1);
                    ((ObjectNode) more.get("items")).put("total_count", 1);
                } else {
                    item.put("quantity", old + step);
                }
                emit("customer.subscription.updated", more, null, when); // no previous_attributes for items
                sub = more;
                t = when;
            }
        }
        long renewal = billingStart + MONTH;
        if (random.nextBoolean() && renewal < END && renewal < cancelAt) {
            boolean trouble = random.nextInt(4) == 0;
            if (trouble) {
                ObjectNode pastDue = sub.deepCopy().put("status", "past_due");
                emit("customer.subscription.updated", pastDue, prev("status", "active"), renewal);
                long recovered = renewal + 3 * DAY;
                invoiceStory(customer, id, sub, renewal, recovered);
                sub = pastDue.deepCopy().put("status", "active");
                emit("customer.subscription.updated", sub, prev("status", "past_due"), recovered);
                t = recovered;
            } else {
                invoiceStory(customer, id, sub, renewal);
                t = renewal;
            }
        }
        if (cancelAt < END) {
            long when = Math.max(cancelAt, t + 1);
            if (when < END) {
                ObjectNode canceled = sub.deepCopy().put("status", "canceled").put("canceled_at", when).put("ended_at", when);
                canceled.withObjectProperty("cancellation_details").put("reason", "cancellation_requested");
                emit("customer.subscription.deleted", canceled, null, when);
                t = when;
            }
        }
        return t;
    }

    private String invoiceStory(String customer, String subscription, ObjectNode sub, long t) {
        return invoiceStory(customer, subscription, sub, t, -1);
    }

    /**
     * Created, finalized, paid and its charge in one second; or, when {@code retryAt} is set, a
     * failed charge first and the successful retry at {@code retryAt}. Returns the invoice id.
     */
    private String invoiceStory(String customer, String subscription, ObjectNode sub, long t, long retryAt) {
        ObjectNode draft = invoice(customer, subscription, sub, t);
        String id = draft.get("id").asText();
        emit("invoice.created", draft, null, t);
        ObjectNode open = draft.deepCopy().put("status", "open").put("number", token(8).toUpperCase() + "-0001");
        open.withObjectProperty("status_transitions").put("finalized_at", t);
        emit("invoice.finalized", open, prev("status", "draft"), t);
        long amount = open.get("amount_due").asLong();
        long paidAt = t;
        if (retryAt > 0) {
            emit("charge.failed", charge(customer, amount, "failed", t, id), null, t);
            ObjectNode attempted = open.deepCopy().put("attempt_count", 1).put("attempted", true);
            emit("invoice.payment_failed", attempted, prev("attempt_count", 0), t);
            open = attempted;
            paidAt = retryAt;
        }
        ObjectNode charge = charge(customer, amount, "succeeded", paidAt, id);
        emit("charge.succeeded", charge, null, paidAt);
        ObjectNode paid = open.deepCopy().put("status", "paid").put("amount_paid", amount).put("amount_remaining", 0)
                .put("paid", true).put("charge", charge.get("id").asText());
        paid.withObjectProperty("status_transitions").put("paid_at", paidAt);
        emit("invoice.paid", paid, prev("status", "open"), paidAt);
        afterCharge(charge, paidAt);
        return id;
    }

    /** A charge outside subscriptions; returns the time of its last event. */
    private long oneOffCharge(String customer, String email, long t) {
        long amount = 500 + random.nextInt(30_000);
        int roll = random.nextInt(100);
        if (roll < 8) {
            ObjectNode failed = charge(customer, amount, "failed", t, null);
            failed.withObjectProperty("billing_details").put("email", email);
            emit("charge.failed", failed, null, t);
            return t;
        }
        ObjectNode succeeded = charge(customer, amount, "succeeded", t, null);
        succeeded.withObjectProperty("billing_details").put("email", email);
        if (roll < 10) {
            ObjectNode pending = succeeded.deepCopy().put("status", "pending").put("paid", false).put("captured", false);
            emit("charge.pending", pending, null, t); // same second as its success
        }
        emit("charge.succeeded", succeeded, null, t);
        return afterCharge(succeeded, t);
    }

    /** Refunds, disputes and fraud warnings that follow some successful charges. */
    private long afterCharge(ObjectNode charge, long t) {
        long last = t;
        int roll = random.nextInt(1000);
        if (roll < 50) {
            long when = t + DAY + random.nextInt(20 * (int) DAY);
            if (when < END) {
                long amount = charge.get("amount").asLong();
                long refunded = random.nextBoolean() ? amount : amount / 2;
                ObjectNode refund = F.objectNode().put("id", "re_" + token(24)).put("object", "refund").put("amount", refunded)
                        .put("balance_transaction", "txn_" + token(24)).put("charge", charge.get("id").asText())
                        .put("created", when).put("currency", "usd").put("payment_intent", charge.get("payment_intent").asText())
                        .put("reason", "requested_by_customer").put("status", "succeeded");
                refund.putObject("metadata");
                ObjectNode after = charge.deepCopy().put("amount_refunded", refunded).put("refunded", refunded == amount);
                ObjectNode list = (ObjectNode) after.get("refunds");
                list.putArray("data").add(refund);
                list.put("total_count", 1);
                ObjectNode previous = F.objectNode().put("amount_refunded", 0);
                if (refunded == amount) {
                    previous.put("refunded", false);
                }
                emit("charge.refunded", after, previous, when);
                last = when;
            }
        } else if (roll < 55) {
            last = Math.max(last, dispute(charge, t + 2 * DAY + random.nextInt(10 * (int) DAY)));
        }
        if (random.nextInt(1000) < 3) {
            long when = t + random.nextInt(5 * (int) DAY);
            ObjectNode warning = F.objectNode().put("id", "issfr_" + token(14)).put("object", "radar.early_fraud_warning")
                    .put("actionable", true).put("charge", charge.get("id").asText()).put("created", when)
                    .put("fraud_type", pick("card_never_received", "made_with_stolen_card", "unauthorized_use_of_card"))
                    .put("livemode", false).put("payment_intent", charge.get("payment_intent").asText());
            emit("radar.early_fraud_warning.created", warning, null, when);
            emit("radar.early_fraud_warning.updated", warning.deepCopy().put("actionable", false),
                    prev("actionable", true), when + DAY);
            last = Math.max(last, when + DAY);
        }
        return last;
    }

    private long dispute(ObjectNode charge, long t) {
        ObjectNode dispute = F.objectNode().put("id", "dp_" + token(24)).put("object", "dispute")
                .put("amount", charge.get("amount").asLong()).put("charge", charge.get("id").asText()).put("created", t)
                .put("currency", "usd").put("is_charge_refundable", false).put("livemode", false)
                .put("payment_intent", charge.get("payment_intent").asText())
                .put("reason", pick("fraudulent", "product_not_received", "duplicate")).put("status", "needs_response");
        dispute.putObject("evidence").putNull("customer_name").putNull("uncategorized_text");
        dispute.putObject("evidence_details").putNull("due_by").put("has_evidence", false).put("submission_count", 0);
        dispute.putObject("metadata");
        emit("charge.dispute.created", dispute, null, t);
        ObjectNode evidence = dispute.deepCopy();
        evidence.withObjectProperty("evidence").put("uncategorized_text", "Delivered, signed for.");
        ObjectNode noText = F.objectNode();
        noText.putObject("evidence").putNull("uncategorized_text");
        emit("charge.dispute.updated", evidence, noText, t + DAY);
        ObjectNode review = evidence.deepCopy().put("status", "under_review");
        emit("charge.dispute.updated", review, prev("status", "needs_response"), t + 2 * DAY);
        emit("charge.dispute.closed", review.deepCopy().put("status", pick("won", "lost")), null, t + 20 * DAY);
        return t + 20 * DAY;
    }

    // ---- objects (after Stripe's shapes, trimmed) -------------------------------------------

    private ObjectNode customer(long t) {
        String id = "cus_" + token(14);
        ObjectNode c = F.objectNode().put("id", id).put("object", "customer");
        c.putObject("address").put("city", pick("Berlin", "Lisbon", "Austin", "Osaka")).put("country", pick("DE", "PT", "US", "JP"))
                .put("line1", (1 + random.nextInt(200)) + " Main Street").putNull("line2")
                .put("postal_code", Integer.toString(10000 + random.nextInt(89999))).putNull("state");
        c.put("balance", 0).put("created", t).put("currency", "usd").putNull("default_source").put("delinquent", false)
                .putNull("description").putNull("discount").put("email", id.toLowerCase() + "@example.com")
                .put("invoice_prefix", token(8).toUpperCase());
        c.putObject("invoice_settings").putNull("custom_fields").putNull("default_payment_method").putNull("footer");
        c.put("livemode", false);
        c.putObject("metadata").put("segment", pick("smb", "enterprise", "startup")).put("signup_source", pick("web", "ios", "sales"));
        c.putNull("name").put("next_invoice_sequence", 1).put("phone", "+1555" + (1000000 + random.nextInt(8999999)));
        c.putArray("preferred_locales").add("en-US");
        c.putNull("shipping").put("tax_exempt", "none").putNull("test_clock");
        return c;
    }

    private ObjectNode subscription(String customer, long t, String status) {
        String id = "sub_" + token(14);
        ObjectNode s = F.objectNode().put("id", id).put("object", "subscription").putNull("application");
        s.putObject("automatic_tax").put("enabled", false).putNull("liability");
        s.put("billing_cycle_anchor", t).putNull("cancel_at").put("cancel_at_period_end", false).putNull("canceled_at");
        s.putObject("cancellation_details").putNull("comment").putNull("feedback").putNull("reason");
        s.put("collection_method", "charge_automatically").put("created", t).put("currency", "usd")
                .put("customer", customer).putNull("default_payment_method").putNull("description").putNull("ended_at");
        ObjectNode items = s.putObject("items").put("object", "list");
        ArrayNode data = items.putArray("data");
        int count = random.nextInt(5) == 0 ? 2 : 1;
        boolean yearly = random.nextInt(5) == 0;
        for (int k = 0; k < count; k++) {
            ObjectNode price = prices.get(2 * random.nextInt(prices.size() / 2) + (yearly ? 1 : 0));
            ObjectNode item = data.addObject().put("id", "si_" + token(14)).put("object", "subscription_item")
                    .put("created", t).put("current_period_end", t + (yearly ? 365 * DAY : MONTH))
                    .put("current_period_start", t).put("quantity", 1 + random.nextInt(3)).put("subscription", id);
            item.putObject("metadata");
            item.set("price", price);
        }
        items.put("has_more", false).put("total_count", count).put("url", "/v1/subscription_items?subscription=" + id);
        s.putNull("latest_invoice").put("livemode", false);
        s.putObject("metadata").put("plan_code", pick("basic", "pro", "team"));
        s.put("start_date", t).put("status", status).putNull("trial_end").putNull("trial_start");
        if (status.equals("trialing")) {
            s.put("trial_start", t).put("trial_end", t + 14 * DAY);
        }
        return s;
    }

    private ObjectNode invoice(String customer, String subscription, ObjectNode sub, long t) {
        String id = "in_" + token(24);
        ObjectNode i = F.objectNode().put("id", id).put("object", "invoice").put("account_country", "US")
                .put("account_name", "OpenSigma Demo");
        ObjectNode lines = F.objectNode().put("object", "list");
        ArrayNode data = lines.putArray("data");
        long total = 0;
        for (var item : sub.get("items").get("data")) {
            long amount = item.get("price").get("unit_amount").asLong() * item.get("quantity").asLong();
            total += amount;
            data.addObject().put("id", "il_" + token(24)).put("object", "line_item").put("amount", amount)
                    .put("currency", "usd").put("description", item.get("quantity").asLong() + " x plan").put("invoice", id)
                    .put("quantity", item.get("quantity").asLong()).put("subscription", subscription)
                    .putObject("period").put("start", t).put("end", t + MONTH);
        }
        if (random.nextInt(4) == 0) {
            long tax = total / 10;
            total += tax;
            data.addObject().put("id", "il_" + token(24)).put("object", "line_item").put("amount", tax).put("currency", "usd")
                    .put("description", "Sales tax").put("invoice", id).put("quantity", 1);
        }
        lines.put("has_more", false).put("total_count", data.size()).put("url", "/v1/invoices/" + id + "/lines");
        i.put("amount_due", total).put("amount_paid", 0).put("amount_remaining", total).put("attempt_count", 0)
                .put("attempted", false).put("billing_reason", "subscription_cycle")
                .put("collection_method", "charge_automatically").put("created", t).put("currency", "usd")
                .put("customer", customer).put("customer_email", customer.toLowerCase() + "@example.com")
                .putNull("description").putNull("hosted_invoice_url");
        i.set("lines", lines);
        i.put("livemode", false).putObject("metadata");
        i.putNull("number").put("paid", false).put("period_start", t).put("period_end", t + MONTH).put("status", "draft")
                .put("subscription", subscription).put("subtotal", total).put("total", total);
        i.putObject("status_transitions").putNull("finalized_at").putNull("paid_at").putNull("voided_at");
        return i;
    }

    private ObjectNode charge(String customer, long amount, String status, long t, String invoice) {
        boolean ok = status.equals("succeeded");
        ObjectNode c = F.objectNode().put("id", "ch_" + token(24)).put("object", "charge").put("amount", amount)
                .put("amount_captured", ok ? amount : 0).put("amount_refunded", 0)
                .put("balance_transaction", ok ? "txn_" + token(24) : null);
        c.putObject("billing_details").putNull("email").putNull("name").putNull("phone");
        c.put("captured", ok).put("created", t).put("currency", "usd").put("customer", customer).putNull("description")
                .put("disputed", false).put("failure_code", ok ? null : pick("card_declined", "insufficient_funds", "expired_card"))
                .put("failure_message", ok ? null : "Your card was declined.").put("invoice", invoice).put("livemode", false);
        c.putObject("metadata");
        c.putObject("outcome").put("network_status", ok ? "approved_by_network" : "declined_by_network")
                .put("risk_level", "normal").put("risk_score", random.nextInt(100)).put("type", ok ? "authorized" : "issuer_declined");
        c.put("paid", ok).put("payment_intent", "pi_" + token(24)).put("payment_method", "pm_" + token(24));
        c.putObject("payment_method_details").put("type", "card").putObject("card")
                .put("brand", pick("visa", "mastercard", "amex")).put("country", "US").put("exp_month", 1 + random.nextInt(12))
                .put("exp_year", 2027 + random.nextInt(5)).put("funding", "credit")
                .put("last4", String.format("%04d", random.nextInt(10000)));
        c.put("receipt_url", ok ? "https://pay.stripe.com/receipts/" + token(32) : null).put("refunded", false);
        ObjectNode refunds = c.putObject("refunds").put("object", "list");
        refunds.putArray("data");
        refunds.put("has_more", false).put("total_count", 0).put("url", "/v1/charges/" + c.get("id").asText() + "/refunds");
        c.put("status", status);
        return c;
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private void emit(String type, ObjectNode object, ObjectNode previous, long created) {
        ObjectNode event = F.objectNode().put("id", "evt_" + token(24)).put("object", "event")
                .put("api_version", API_VERSION).put("created", created);
        ObjectNode data = event.putObject("data");
        data.set("object", object);
        if (previous != null) {
            data.set("previous_attributes", previous);
        }
        event.put("livemode", false).put("pending_webhooks", 0);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        String raw;
        try {
            raw = Json.MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        events++;
        // The event owns a copy: callers go on changing their working object.
        sink.accept(new StripeEvent(event.get("id").asText(), type, created, API_VERSION, false, null, object.deepCopy(),
                previous, raw, null));
    }

    private static ObjectNode prev(String field, Object oldValue) {
        ObjectNode p = F.objectNode();
        switch (oldValue) {
            case null -> p.putNull(field);
            case String s -> p.put(field, s);
            case Boolean b -> p.put(field, b);
            case Integer i -> p.put(field, i);
            case Long l -> p.put(field, l);
            default -> throw new IllegalArgumentException("Unsupported previous value " + oldValue);
        }
        return p;
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private String token(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }
}
