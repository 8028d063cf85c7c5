package dev.opensigma.sim;

import java.util.Map;

/**
 * The lists Stripe renders inside an object (at most ten entries, with {@code has_more},
 * {@code total_count} and the {@code url} of the full list): invoice {@code lines}, subscription
 * {@code items}, credit note {@code lines}, charge and application fee {@code refunds}, transfer
 * {@code reversals}. Checkout sessions and customers embed nothing.
 */
final class Embeds {

    /** @param field the parent's field; @param childList the child list's name in the account */
    record Embed(String field, String childList, String urlPattern) {

        String url(String parentId) {
            return urlPattern.replace("{id}", parentId);
        }
    }

    static final int MAX_EMBEDDED = 10;

    private static final Map<String, Embed> BY_TYPE = Map.of(
            "invoice", new Embed("lines", "lines", "/v1/invoices/{id}/lines"),
            "subscription", new Embed("items", "items", "/v1/subscription_items?subscription={id}"),
            "credit_note", new Embed("lines", "lines", "/v1/credit_notes/{id}/lines"),
            "application_fee", new Embed("refunds", "refunds", "/v1/application_fees/{id}/refunds"),
            "transfer", new Embed("reversals", "reversals", "/v1/transfers/{id}/reversals"),
            "charge", new Embed("refunds", "refunds", "/v1/charges/{id}/refunds"));

    private Embeds() {
    }

    static Embed of(String type) {
        return BY_TYPE.get(type);
    }
}
