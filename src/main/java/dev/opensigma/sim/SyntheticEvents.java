package dev.opensigma.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.ObjectTypes;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates Stripe events the way a real account emits them: stories (a signup, a subscription
 * purchase with its invoice burst, a product's life, a Connect charge...) whose events often share
 * a second, in the true order, with {@code previous_attributes} where Stripe sends them. Shapes
 * follow Stripe's objects (about 3 KB per event). {@link #truth()} gives each object's final state.
 */
public final class SyntheticEvents {

    /** The last state of an object and whether it ended deleted. */
    public record FinalState(String objectType, String id, String account, JsonNode data, boolean deleted) {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String API_VERSION = com.stripe.Stripe.API_VERSION; // the version stripe-java, and so OpenSigma, pins

    private final Random random;
    private long clock;
    private long sequence;
    private final List<String> events = new ArrayList<>();
    private final Map<String, FinalState> truth = new LinkedHashMap<>();

    public SyntheticEvents(long seed, long startEpochSecond) {
        this.random = new Random(seed);
        this.clock = startEpochSecond;
    }

    /** Adds {@code stories} stories; returns all events so far, in true order, as JSON text. */
    public List<String> generate(int stories) {
        for (int i = 0; i < stories; i++) {
            clock += 1 + random.nextInt(5);
            switch (random.nextInt(8)) {
                case 0, 1 -> signup(null);
                case 2, 3 -> subscriptionPurchase();
                case 4 -> productLife();
                case 5 -> connectCharge();
                case 6 -> oddEvents();
                default -> fraudWarning();
            }
        }
        return List.copyOf(events);
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    /** Final state per object key {@code "type:id"}. */
    public Map<String, FinalState> truth() {
        return Map.copyOf(truth);
    }

    // ---- stories ----------------------------------------------------------------------------

    private ObjectNode signup(String account) {
        ObjectNode customer = customer();
        long t = clock;
        emit("customer.created", customer, null, t, account);
        ObjectNode tagged = customer.deepCopy();
        ((ObjectNode) tagged.get("metadata")).put("segment", pick("smb", "enterprise", "startup"));
        emit("customer.updated", tagged, prev("metadata", F.objectNode().putNull("segment")), t, account);
        ObjectNode named = tagged.deepCopy();
        named.put("name", pick("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"));
        emit("customer.updated", named, prev("name", F.nullNode()), t, account);
        if (random.nextBoolean()) {
            ObjectNode moved = named.deepCopy();
            String old = moved.get("email").asText();
            moved.put("email", "new-" + old);
            emit("customer.updated", moved, prev("email", F.textNode(old)), t + 1 + random.nextInt(100), account);
            named = moved;
        }
        if (random.nextInt(6) == 0) {
            emit("customer.deleted", named, null, t + 200 + random.nextInt(100), account);
        }
        return named;
    }

    private void subscriptionPurchase() {
        ObjectNode customer = signup(null);
        long t = clock + 1;
        String customerId = customer.get("id").asText();
        ObjectNode sub = subscription(customerId, t);
        emit("customer.subscription.created", sub, null, t, null);
        ObjectNode invoice = invoice(customerId, sub.get("id").asText(), t);
        emit("invoice.created", invoice, null, t, null);
        ObjectNode open = invoice.deepCopy().put("status", "open").put("number", "INV-" + (1000 + sequence));
        emit("invoice.finalized", open, null, t, null);
        ObjectNode intent = paymentIntent(customerId, invoice.get("amount_due").asLong(), t);
        emit("payment_intent.created", intent, null, t, null);
        ObjectNode succeeded = intent.deepCopy().put("status", "succeeded").put("amount_received", intent.get("amount").asLong());
        emit("payment_intent.succeeded", succeeded, null, t, null);
        emit("charge.succeeded", charge(customerId, intent, t), null, t, null);
        ObjectNode paid = open.deepCopy().put("status", "paid").put("amount_paid", open.get("amount_due").asLong())
                .put("amount_remaining", 0).put("paid", true);
        emit("invoice.paid", paid, null, t, null);
        emit("invoice.payment_succeeded", paid, null, t, null);
        if (random.nextBoolean()) {
            ObjectNode pastDue = sub.deepCopy().put("status", "past_due");
            emit("customer.subscription.updated", pastDue, prev("status", F.textNode("active")), t + 2_592_000, null);
            if (random.nextBoolean()) {
                ObjectNode canceled = pastDue.deepCopy().put("status", "canceled").put("canceled_at", t + 2_600_000)
                        .put("ended_at", t + 2_600_000);
                emit("customer.subscription.deleted", canceled, null, t + 2_600_000, null);
            }
        }
    }

    private void productLife() {
        long t = clock;
        ObjectNode product = product(t);
        emit("product.created", product, null, t, null);
        ObjectNode price = price(product.get("id").asText(), t);
        emit("price.created", price, null, t, null);
        ObjectNode renamed = product.deepCopy().put("name", product.get("name").asText() + " Pro");
        emit("product.updated", renamed, prev("name", product.get("name")), t, null);
        if (random.nextInt(3) == 0) {
            ObjectNode archived = price.deepCopy().put("active", false);
            emit("price.updated", archived, prev("active", F.booleanNode(true)), t + 50, null);
            emit("price.deleted", archived, null, t + 60, null);
            emit("product.deleted", renamed, null, t + 60, null);
        }
    }

    private void connectCharge() {
        String account = "acct_" + token(16);
        ObjectNode customer = signup(account);
        long t = clock + 1;
        ObjectNode intent = paymentIntent(customer.get("id").asText(), 500 + random.nextInt(50_000), t);
        ObjectNode succeeded = intent.deepCopy().put("status", "succeeded").put("amount_received", intent.get("amount").asLong());
        emit("payment_intent.succeeded", succeeded, null, t, account);
        emit("charge.succeeded", charge(customer.get("id").asText(), intent, t), null, t, account);
    }

    private void oddEvents() {
        long t = clock;
        ObjectNode upcoming = F.objectNode().put("object", "invoice").put("amount_due", 1200).put("currency", "usd");
        emit("invoice.upcoming", upcoming, null, t, null); // no id: archived only
        ObjectNode credit = F.objectNode().put("id", "rc_" + token(14)).put("object", "treasury.received_credit")
                .put("amount", 1000 + random.nextInt(9000)).put("currency", "usd").put("created", t)
                .put("status", "succeeded").put("livemode", false);
        emit("treasury.received_credit.created", credit, null, t, null);
    }

    private void fraudWarning() {
        long t = clock;
        ObjectNode warning = F.objectNode().put("id", "issfr_" + token(14)).put("object", "radar.early_fraud_warning")
                .put("actionable", true).put("charge", "ch_" + token(24)).put("created", t)
                .put("fraud_type", pick("card_never_received", "made_with_stolen_card")).put("livemode", false)
                .put("payment_intent", "pi_" + token(24));
        emit("radar.early_fraud_warning.created", warning, null, t, null);
        ObjectNode settled = warning.deepCopy().put("actionable", false);
        emit("radar.early_fraud_warning.updated", settled, prev("actionable", F.booleanNode(true)), t + 3600, null);
    }

    // ---- objects (shapes after Stripe's, trimmed) -------------------------------------------

    private ObjectNode customer() {
        String id = "cus_" + token(14);
        ObjectNode c = F.objectNode().put("id", id).put("object", "customer");
        c.set("address", address());
        c.put("balance", 0).put("created", clock).put("currency", "usd").putNull("default_source")
                .put("delinquent", false).put("description", "Customer for " + id)
                .putNull("discount").put("email", id.toLowerCase() + "@example.com")
                .put("invoice_prefix", token(8).toUpperCase());
        ObjectNode settings = c.putObject("invoice_settings");
        settings.putNull("custom_fields").putNull("default_payment_method").putNull("footer");
        settings.putObject("rendering_options").putNull("amount_tax_display").putNull("template");
        c.put("livemode", false).putObject("metadata").put("signup_source", pick("web", "ios", "android", "sales"));
        c.putNull("name").put("next_invoice_sequence", 1).put("phone", "+1555" + (1000000 + random.nextInt(8999999)));
        c.putArray("preferred_locales").add("en-US");
        ObjectNode shipping = c.putObject("shipping");
        shipping.set("address", address());
        shipping.put("name", "Shipping " + id).putNull("phone");
        c.put("tax_exempt", "none").putNull("test_clock");
        return c;
    }

    private ObjectNode address() {
        return F.objectNode().put("city", pick("Berlin", "Lisbon", "Austin", "Osaka")).put("country", pick("DE", "PT", "US", "JP"))
                .put("line1", (1 + random.nextInt(200)) + " Main Street").putNull("line2")
                .put("postal_code", Integer.toString(10000 + random.nextInt(89999))).putNull("state");
    }

    private ObjectNode subscription(String customer, long t) {
        ObjectNode s = F.objectNode().put("id", "sub_" + token(14)).put("object", "subscription")
                .putNull("application").putNull("application_fee_percent");
        s.putObject("automatic_tax").put("enabled", false).putNull("liability");
        s.put("billing_cycle_anchor", t).putNull("cancel_at").put("cancel_at_period_end", false).putNull("canceled_at");
        s.putObject("cancellation_details").putNull("comment").putNull("feedback").putNull("reason");
        s.put("collection_method", "charge_automatically").put("created", t).put("currency", "usd")
                .put("customer", customer).putNull("days_until_due").putNull("default_payment_method")
                .putNull("description").putNull("ended_at");
        ObjectNode items = s.putObject("items").put("object", "list");
        ObjectNode item = items.putArray("data").addObject().put("id", "si_" + token(14)).put("object", "subscription_item")
                .put("created", t).put("current_period_start", t).put("current_period_end", t + 2_592_000)
                .put("quantity", 1 + random.nextInt(5)).put("subscription", s.get("id").asText());
        item.set("price", price("prod_" + token(14), t));
        items.put("has_more", false).put("total_count", 1).put("url", "/v1/subscription_items?subscription=" + s.get("id").asText());
        s.putNull("latest_invoice").put("livemode", false).putObject("metadata").put("plan_code", pick("basic", "pro", "team"));
        s.putObject("payment_settings").putNull("payment_method_options").putNull("payment_method_types")
                .put("save_default_payment_method", "off");
        s.put("start_date", t).put("status", "active").putNull("trial_end").putNull("trial_start");
        return s;
    }

    private ObjectNode invoice(String customer, String subscription, long t) {
        long amount = 500 + random.nextInt(20_000);
        ObjectNode i = F.objectNode().put("id", "in_" + token(24)).put("object", "invoice")
                .put("account_country", "US").put("account_name", "OpenSigma Demo")
                .put("amount_due", amount).put("amount_paid", 0).put("amount_remaining", amount)
                .put("attempt_count", 0).put("attempted", false).put("billing_reason", "subscription_create")
                .put("collection_method", "charge_automatically").put("created", t).put("currency", "usd")
                .put("customer", customer).put("customer_email", customer.toLowerCase() + "@example.com")
                .putNull("description").putNull("hosted_invoice_url");
        ObjectNode lines = i.putObject("lines").put("object", "list");
        ArrayNode data = lines.putArray("data");
        int count = 1 + random.nextInt(3);
        for (int k = 0; k < count; k++) {
            data.addObject().put("id", "il_" + token(24)).put("object", "line_item").put("amount", amount / count)
                    .put("currency", "usd").put("description", "1 x Plan (at $" + amount / 100 + ".00 / month)")
                    .put("quantity", 1).putObject("period").put("start", t).put("end", t + 2_592_000);
        }
        lines.put("has_more", false).put("total_count", count).put("url", "/v1/invoices/" + i.get("id").asText() + "/lines");
        i.put("livemode", false).putObject("metadata");
        i.putNull("number").put("paid", false).put("period_start", t).put("period_end", t)
                .put("status", "draft").put("subscription", subscription).put("subtotal", amount)
                .put("total", amount);
        i.putObject("status_transitions").putNull("finalized_at").putNull("paid_at").putNull("voided_at");
        return i;
    }

    private ObjectNode paymentIntent(String customer, long amount, long t) {
        ObjectNode p = F.objectNode().put("id", "pi_" + token(24)).put("object", "payment_intent")
                .put("amount", amount).put("amount_capturable", 0).put("amount_received", 0)
                .putNull("application").put("capture_method", "automatic")
                .put("client_secret", "pi_secret_" + token(20)).put("confirmation_method", "automatic")
                .put("created", t).put("currency", "usd").put("customer", customer).putNull("description")
                .putNull("last_payment_error").putNull("latest_charge").put("livemode", false);
        p.putObject("metadata").put("order_id", "ord_" + token(10));
        p.put("payment_method", "pm_" + token(24)).putArray("payment_method_types").add("card");
        p.put("status", "requires_payment_method").putNull("statement_descriptor");
        return p;
    }

    private ObjectNode charge(String customer, ObjectNode intent, long t) {
        ObjectNode c = F.objectNode().put("id", "ch_" + token(24)).put("object", "charge")
                .put("amount", intent.get("amount").asLong()).put("amount_captured", intent.get("amount").asLong())
                .put("amount_refunded", 0).put("balance_transaction", "txn_" + token(24));
        ObjectNode billing = c.putObject("billing_details");
        billing.set("address", address());
        billing.put("email", customer.toLowerCase() + "@example.com").putNull("name").putNull("phone");
        c.put("captured", true).put("created", t).put("currency", "usd").put("customer", customer)
                .putNull("description").put("disputed", false).putNull("failure_code").putNull("failure_message")
                .put("livemode", false).putObject("metadata");
        ObjectNode outcome = c.putObject("outcome");
        outcome.put("network_status", "approved_by_network").putNull("reason").put("risk_level", "normal")
                .put("risk_score", random.nextInt(100)).put("seller_message", "Payment complete.").put("type", "authorized");
        c.put("paid", true).put("payment_intent", intent.get("id").asText()).put("payment_method", "pm_" + token(24));
        ObjectNode card = c.putObject("payment_method_details").put("type", "card").putObject("card");
        card.put("brand", pick("visa", "mastercard", "amex")).put("country", "US").put("exp_month", 1 + random.nextInt(12))
                .put("exp_year", 2027 + random.nextInt(5)).put("fingerprint", token(16)).put("funding", "credit")
                .put("last4", String.format("%04d", random.nextInt(10000))).put("network", "visa");
        c.put("receipt_url", "https://pay.stripe.com/receipts/" + token(40)).put("refunded", false)
                .put("status", "succeeded");
        return c;
    }

    private ObjectNode product(long t) {
        ObjectNode p = F.objectNode().put("id", "prod_" + token(14)).put("object", "product").put("active", true)
                .put("created", t).putNull("default_price").put("description", "A fine product");
        p.putArray("images");
        p.putArray("marketing_features");
        p.put("livemode", false).putObject("metadata");
        p.put("name", pick("Starter", "Growth", "Scale", "Enterprise") + " " + token(4)).putNull("package_dimensions")
                .put("shippable", false).putNull("statement_descriptor").putNull("tax_code").put("type", "service")
                .putNull("unit_label").put("updated", t).putNull("url");
        return p;
    }

    private ObjectNode price(String product, long t) {
        ObjectNode p = F.objectNode().put("id", "price_" + token(14)).put("object", "price").put("active", true)
                .put("billing_scheme", "per_unit").put("created", t).put("currency", "usd").put("livemode", false)
                .putNull("lookup_key").putNull("nickname").put("product", product);
        p.putObject("metadata");
        p.putObject("recurring").put("interval", "month").put("interval_count", 1).put("usage_type", "licensed");
        p.put("tax_behavior", "unspecified").put("type", "recurring").put("unit_amount", 500 + random.nextInt(10_000));
        return p;
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private void emit(String type, ObjectNode object, ObjectNode previous, long created, String account) {
        ObjectNode event = F.objectNode().put("id", "evt_" + token(24)).put("object", "event")
                .put("api_version", API_VERSION).put("created", created);
        if (account != null) {
            event.put("account", account);
        }
        ObjectNode data = event.putObject("data");
        data.set("object", object.deepCopy());
        if (previous != null) {
            data.set("previous_attributes", previous);
        }
        event.put("livemode", false).put("pending_webhooks", 1);
        event.putObject("request").put("id", "req_" + token(14)).put("idempotency_key", java.util.UUID.randomUUID().toString());
        event.put("type", type);
        JsonNode asSent;
        try {
            String json = Json.MAPPER.writeValueAsString(event);
            events.add(json);
            asSent = Json.MAPPER.readTree(json).path("data").path("object"); // numbers typed as a reader sees them
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        if (object.has("id")) {
            String objectType = object.get("object").asText();
            boolean deleted = ObjectTypes.isDeletion(type, false);
            truth.put(objectType + ":" + object.get("id").asText(),
                    new FinalState(objectType, object.get("id").asText(), account, asSent, deleted));
        }
    }

    private static ObjectNode prev(String field, JsonNode oldValue) {
        ObjectNode p = F.objectNode();
        p.set(field, oldValue);
        return p;
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private String token(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        sequence++;
        return sb.toString();
    }
}
