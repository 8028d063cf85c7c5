package dev.opensigma.backfill;

import dev.opensigma.backfill.ListableType.Parent;
import dev.opensigma.stripe.api.Param;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every object type Stripe lets a key list, one entry each: where to list it, whether its history
 * can be split by {@code created}, the parameters that keep defaults from hiding objects, and for
 * child lists which parents to ask. Parents come before their children.
 *
 * <p>Left out on purpose: lists of configuration rather than data ({@code webhook_endpoints}),
 * lists scoped to a product Stripe sells separately where the list needs a parent that no list
 * returns ({@code treasury}, {@code financial_connections}), and types Stripe cannot list
 * (balance, mandates, tokens, sources, discounts), which arrive only embedded or through events.
 */
public final class ListableTypes {

    private static final List<List<Param>> ALL = List.of(List.of());

    private static final Map<String, ListableType> REGISTRY = build();

    private ListableTypes() {
    }

    public static List<ListableType> all() {
        return List.copyOf(REGISTRY.values());
    }

    public static ListableType byName(String name) {
        ListableType type = REGISTRY.get(name);
        if (type == null) {
            throw new IllegalArgumentException("Unknown type '" + name + "'. Known types: " + String.join(", ", REGISTRY.keySet()));
        }
        return type;
    }

    /**
     * Where the API returns one object of a type by id ({@code /v1/customers/cus_1}): the list path
     * and the id, for types listed on their own or filtered by a parameter. Empty for types that
     * only come inside a parent's list ({@code line_item}) or that no list here covers.
     */
    public static Optional<String> retrievePath(String objectType, String id) {
        return REGISTRY.values().stream()
                .filter(t -> t.objectType().equals(objectType) && (!t.isChild() || t.parent().parentParam() != null))
                .findFirst()
                .map(t -> t.path() + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    /**
     * The types to copy for a selection: all of them when it is empty; otherwise those named plus
     * the parents their children are found through (which are listed too, being needed anyway).
     */
    public static List<ListableType> select(List<String> names) {
        if (names.isEmpty()) {
            return all();
        }
        java.util.Set<String> wanted = new java.util.HashSet<>();
        for (String name : names) {
            for (ListableType t = byName(name); t != null; t = t.isChild() ? byName(t.parent().type()) : null) {
                wanted.add(t.name());
            }
        }
        return REGISTRY.values().stream().filter(t -> wanted.contains(t.name())).toList();
    }

    private static Map<String, ListableType> build() {
        List<ListableType> list = new ArrayList<>();
        // Top-level lists that take created[...]: split into ranges and paged in parallel.
        for (String[] t : new String[][] {
                {"customers", "customer", "/v1/customers"},
                {"products", "product", "/v1/products"},
                {"coupons", "coupon", "/v1/coupons"},
                {"promotion_codes", "promotion_code", "/v1/promotion_codes"},
                {"plans", "plan", "/v1/plans"},
                {"tax_rates", "tax_rate", "/v1/tax_rates"},
                {"shipping_rates", "shipping_rate", "/v1/shipping_rates"},
                {"subscription_schedules", "subscription_schedule", "/v1/subscription_schedules"},
                {"invoices", "invoice", "/v1/invoices"},
                {"invoice_items", "invoiceitem", "/v1/invoiceitems"},
                {"credit_notes", "credit_note", "/v1/credit_notes"},
                {"payment_intents", "payment_intent", "/v1/payment_intents"},
                {"setup_intents", "setup_intent", "/v1/setup_intents"},
                {"charges", "charge", "/v1/charges"},
                {"refunds", "refund", "/v1/refunds"},
                {"disputes", "dispute", "/v1/disputes"},
                {"early_fraud_warnings", "radar.early_fraud_warning", "/v1/radar/early_fraud_warnings"},
                {"reviews", "review", "/v1/reviews"},
                {"balance_transactions", "balance_transaction", "/v1/balance_transactions"},
                {"payouts", "payout", "/v1/payouts"},
                {"topups", "topup", "/v1/topups"},
                {"transfers", "transfer", "/v1/transfers"},
                {"application_fees", "application_fee", "/v1/application_fees"},
                {"checkout_sessions", "checkout.session", "/v1/checkout/sessions"},
                {"files", "file", "/v1/files"},
                {"file_links", "file_link", "/v1/file_links"},
                {"identity_verification_sessions", "identity.verification_session", "/v1/identity/verification_sessions"},
                {"issuing_cardholders", "issuing.cardholder", "/v1/issuing/cardholders"},
                {"issuing_cards", "issuing.card", "/v1/issuing/cards"},
                {"issuing_authorizations", "issuing.authorization", "/v1/issuing/authorizations"},
                {"issuing_transactions", "issuing.transaction", "/v1/issuing/transactions"},
                {"issuing_disputes", "issuing.dispute", "/v1/issuing/disputes"},
                {"reporting_report_runs", "reporting.report_run", "/v1/reporting/report_runs"}}) {
            list.add(new ListableType(t[0], t[1], t[2], true, ALL, null, false));
        }
        // Defaults that hide data: canceled subscriptions, archived prices.
        list.add(new ListableType("subscriptions", "subscription", "/v1/subscriptions", true,
                List.of(List.of(new Param("status", "all"))), null, false));
        list.add(new ListableType("prices", "price", "/v1/prices", true,
                List.of(List.of(new Param("active", "true")), List.of(new Param("active", "false"))), null, false));
        list.add(new ListableType("accounts", "account", "/v1/accounts", true, ALL, null, true));
        // Top-level lists without a created filter: paged whole.
        for (String[] t : new String[][] {
                {"payment_links", "payment_link", "/v1/payment_links"},
                {"quotes", "quote", "/v1/quotes"},
                {"billing_meters", "billing.meter", "/v1/billing/meters"},
                {"terminal_locations", "terminal.location", "/v1/terminal/locations"},
                {"terminal_readers", "terminal.reader", "/v1/terminal/readers"},
                {"test_clocks", "test_helpers.test_clock", "/v1/test_helpers/test_clocks"},
                {"radar_value_lists", "radar.value_list", "/v1/radar/value_lists"},
                {"tax_registrations", "tax.registration", "/v1/tax/registrations"},
                {"entitlements_features", "entitlements.feature", "/v1/entitlements/features"}}) {
            list.add(new ListableType(t[0], t[1], t[2], false, ALL, null, false));
        }
        // Child lists, reached through their parents. Embedded lists hold at most 10 entries:
        // only parents whose embedded list says has_more are asked for the rest.
        list.add(child("invoice_line_items", "line_item", "/v1/invoices/{id}/lines", "invoices", "lines", null));
        list.add(child("subscription_items", "subscription_item", "/v1/subscription_items", "subscriptions", "items", "subscription"));
        list.add(child("credit_note_line_items", "credit_note_line_item", "/v1/credit_notes/{id}/lines", "credit_notes", "lines", null));
        list.add(child("application_fee_refunds", "fee_refund", "/v1/application_fees/{id}/refunds", "application_fees", "refunds", null));
        list.add(child("transfer_reversals", "transfer_reversal", "/v1/transfers/{id}/reversals", "transfers", "reversals", null));
        list.add(child("checkout_session_line_items", "item", "/v1/checkout/sessions/{id}/line_items", "checkout_sessions", null, null));
        list.add(child("payment_methods", "payment_method", "/v1/customers/{id}/payment_methods", "customers", null, null));
        list.add(child("tax_ids", "tax_id", "/v1/customers/{id}/tax_ids", "customers", null, null));
        list.add(child("customer_balance_transactions", "customer_balance_transaction",
                "/v1/customers/{id}/balance_transactions", "customers", null, null));
        list.add(child("persons", "person", "/v1/accounts/{id}/persons", "accounts", null, null));
        list.add(child("external_accounts", "bank_account", "/v1/accounts/{id}/external_accounts", "accounts", "external_accounts", null));
        list.add(child("quote_line_items", "item", "/v1/quotes/{id}/line_items", "quotes", null, null));
        list.add(child("payment_link_line_items", "item", "/v1/payment_links/{id}/line_items", "payment_links", null, null));
        list.add(child("setup_attempts", "setup_attempt", "/v1/setup_attempts", "setup_intents", null, "setup_intent"));
        list.add(child("radar_value_list_items", "radar.value_list_item", "/v1/radar/value_list_items", "radar_value_lists", null, "value_list"));

        Map<String, ListableType> byName = new LinkedHashMap<>();
        for (ListableType t : list) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalStateException("Two registry entries named " + t.name());
            }
        }
        return byName;
    }

    private static ListableType child(String name, String objectType, String path, String parentType,
                                      String embeddedField, String parentParam) {
        return new ListableType(name, objectType, path, false, ALL, new Parent(parentType, embeddedField, parentParam), false);
    }
}
