package dev.opensigma.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the simulated API lists, as Stripe documents it: each list's path, object type, whether it
 * takes {@code created}, and the filters it implements. A parameter outside these is refused as
 * {@code parameter_unknown}, never silently ignored, so a client cannot pass here and fail on Stripe.
 */
final class Resources {

    /**
     * A top-level list.
     *
     * @param resource  the path after {@code /v1/} ({@code charges}, {@code checkout/sessions})
     * @param filters   parameter name to the object field it compares (top-level string or boolean)
     * @param parentKey for lists that need a parent ({@code subscription_items?subscription=}), the
     *                  required parameter; the list is then the parent's child list {@code childList}
     */
    record TopList(String resource, String type, boolean created, Map<String, String> filters, String parentKey,
                   String childList) {

        String path() {
            return "/v1/" + resource;
        }
    }

    /** A list under a parent: {@code /v1/invoices/:id/lines}. */
    record NestedList(String parentResource, String parentType, String child, String type, Map<String, String> filters) {

        String template() {
            return "/v1/" + parentResource + "/:id/" + child;
        }
    }

    static final String API_VERSION = com.stripe.Stripe.API_VERSION; // the version stripe-java, and so OpenSigma, pins

    static final List<TopList> TOP = List.of(
            top("customers", "customer", true, "email"),
            top("products", "product", true, "active"),
            top("prices", "price", true, "active", "product", "type"),
            top("coupons", "coupon", true),
            top("subscriptions", "subscription", true, "customer", "status"),
            new TopList("subscription_items", "subscription_item", false, Map.of(), "subscription", "items"),
            top("invoices", "invoice", true, "customer", "subscription", "status"),
            top("invoiceitems", "invoiceitem", true, "customer", "invoice"),
            top("payment_intents", "payment_intent", true, "customer"),
            top("charges", "charge", true, "customer", "payment_intent"),
            top("refunds", "refund", true, "charge", "payment_intent"),
            top("disputes", "dispute", true, "charge", "payment_intent"),
            top("balance_transactions", "balance_transaction", true, "type", "source"),
            top("payouts", "payout", true, "status"),
            top("checkout/sessions", "checkout.session", true, "customer", "payment_intent", "subscription", "status"),
            top("setup_intents", "setup_intent", true, "customer", "payment_method"),
            new TopList("payment_methods", "payment_method", false, Map.of("type", "type"), "customer", "payment_methods"),
            top("radar/early_fraud_warnings", "radar.early_fraud_warning", true, "charge", "payment_intent"),
            top("tax_rates", "tax_rate", true, "active", "inclusive"),
            top("credit_notes", "credit_note", true, "customer", "invoice"),
            top("application_fees", "application_fee", true, "charge"),
            top("transfers", "transfer", true, "destination"),
            top("accounts", "account", true),
            top("events", "event", true, "type"),
            top("payment_links", "payment_link", false, "active"),
            top("quotes", "quote", false, "customer", "status"),
            // Lists Stripe serves that the simulated business has nothing in: they answer empty
            // lists, as they would for an account that does not use those products.
            top("promotion_codes", "promotion_code", true),
            top("plans", "plan", true),
            top("shipping_rates", "shipping_rate", true),
            top("subscription_schedules", "subscription_schedule", true),
            top("reviews", "review", true),
            top("topups", "topup", true),
            top("files", "file", true),
            top("file_links", "file_link", true),
            top("identity/verification_sessions", "identity.verification_session", true),
            top("issuing/cardholders", "issuing.cardholder", true),
            top("issuing/cards", "issuing.card", true),
            top("issuing/authorizations", "issuing.authorization", true),
            top("issuing/transactions", "issuing.transaction", true),
            top("issuing/disputes", "issuing.dispute", true),
            top("reporting/report_runs", "reporting.report_run", true),
            top("billing/meters", "billing.meter", false),
            top("terminal/locations", "terminal.location", false),
            top("terminal/readers", "terminal.reader", false),
            top("test_helpers/test_clocks", "test_helpers.test_clock", false),
            top("radar/value_lists", "radar.value_list", false),
            top("tax/registrations", "tax.registration", false),
            top("entitlements/features", "entitlements.feature", false),
            new TopList("setup_attempts", "setup_attempt", false, Map.of(), "setup_intent", "setup_attempts"),
            new TopList("radar/value_list_items", "radar.value_list_item", false, Map.of(), "value_list", "list_items"),
            new TopList("webhook_endpoints", "webhook_endpoint", false, Map.of(), null, null));

    static final List<NestedList> NESTED = List.of(
            nested("invoices", "invoice", "lines", "line_item"),
            nested("credit_notes", "credit_note", "lines", "credit_note_line_item"),
            nested("checkout/sessions", "checkout.session", "line_items", "item"),
            nested("application_fees", "application_fee", "refunds", "fee_refund"),
            nested("transfers", "transfer", "reversals", "transfer_reversal"),
            nested("charges", "charge", "refunds", "refund"),
            nested("customers", "customer", "tax_ids", "tax_id"),
            nested("customers", "customer", "payment_methods", "payment_method", "type"),
            nested("customers", "customer", "balance_transactions", "customer_balance_transaction"),
            nested("accounts", "account", "persons", "person"),
            nested("accounts", "account", "external_accounts", "bank_account"),
            nested("quotes", "quote", "line_items", "item"),
            nested("payment_links", "payment_link", "line_items", "item"));

    /** Child lists shown in the parent's order rather than newest first. */
    private static final Set<String> CREATION_ORDER = Set.of("lines", "line_items", "items");

    private static final Map<String, TopList> BY_TYPE = new LinkedHashMap<>();
    private static final Map<String, TopList> BY_RESOURCE = new LinkedHashMap<>();

    static {
        for (TopList t : TOP) {
            BY_TYPE.put(t.type(), t);
            BY_RESOURCE.put(t.resource(), t);
        }
    }

    private Resources() {
    }

    static TopList topByType(String type) {
        return BY_TYPE.get(type);
    }

    static TopList topByResource(String resource) {
        return BY_RESOURCE.get(resource);
    }

    /** The fields of {@code type} that list filters compare, in a fixed order. */
    static List<String> facets(String type) {
        TopList top = BY_TYPE.get(type);
        return top == null ? List.of() : List.copyOf(top.filters().values());
    }

    static Listing.Order childOrder(String childList) {
        return CREATION_ORDER.contains(childList) ? Listing.Order.CREATION : Listing.Order.NEWEST_FIRST;
    }

    /** The key of a child list in an account: {@code "in_123/lines"}. */
    static String childKey(String parentId, String childList) {
        return parentId + "/" + childList;
    }

    /** Stripe's permission name for reading a resource: {@code charges} → {@code rak_charge_read}. */
    static String readPermission(String resource) {
        String singular = switch (resource) {
            case "radar/early_fraud_warnings" -> "radar_early_fraud_warning";
            case "checkout/sessions" -> "checkout_session";
            case "invoiceitems" -> "invoiceitem";
            case "tax_ids" -> "tax_id";
            case "lines", "line_items" -> "line_item";
            case "refunds" -> "refund";
            case "reversals" -> "transfer_reversal";
            default -> resource.endsWith("ies") ? resource.substring(0, resource.length() - 3) + "y"
                    : resource.endsWith("s") ? resource.substring(0, resource.length() - 1) : resource;
        };
        return "rak_" + singular.replace('/', '_') + "_read";
    }

    private static TopList top(String resource, String type, boolean created, String... filters) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String f : filters) {
            map.put(f, f);
        }
        return new TopList(resource, type, created, Collections.unmodifiableMap(map), null, null);
    }

    private static NestedList nested(String parentResource, String parentType, String child, String type, String... filters) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String f : filters) {
            map.put(f, f);
        }
        return new NestedList(parentResource, parentType, child, type, Collections.unmodifiableMap(map));
    }
}
