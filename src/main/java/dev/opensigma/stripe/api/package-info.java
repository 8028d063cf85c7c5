/**
 * Talking to Stripe's REST API: one HTTP client with the API version pinned, a request budget
 * shared by every caller (global and per endpoint, as Stripe counts them), and retries with
 * backoff for 429s, 5xx and network errors. Refusals (401, 403) are never retried and name the
 * permission that is missing.
 */
package dev.opensigma.stripe.api;
