package dev.opensigma.sim;

import java.time.Instant;

/**
 * One request the simulator answered.
 *
 * @param at            when it arrived (rate limits count arrivals)
 * @param query         the raw query string, or null
 * @param stripeAccount the {@code Stripe-Account} header, or null
 * @param apiKey        the key, masked as Stripe masks it ({@code sk_test_****abcd}), or null
 * @param endpoint      method and route template, e.g. {@code GET /v1/invoices/:id/lines}
 */
public record ServedRequest(Instant at, String method, String path, String query, String stripeAccount, String apiKey,
                            int status, String endpoint) {
}
