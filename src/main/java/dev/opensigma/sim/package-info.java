/**
 * Stand-ins for Stripe, for tests, benchmarks and demos.
 *
 * <p>{@link dev.opensigma.sim.StripeSimulator} is a local Stripe API: a generated account with two
 * years of history ({@code History}: catalogue, payouts and transfers, customer stories; shapes
 * from Stripe's own sample objects in {@code Templates}) served over HTTP ({@code ApiServer},
 * {@code Api}) with Stripe's lists and cursors ({@code Listing}, {@code Lists}), errors
 * ({@code ApiError}), keys ({@code ApiKeys}; a live key sees the account rendered in live mode,
 * {@code LiveRendering}), rate limits ({@code RateLimiter}), Connect scoping,
 * {@code /v1/events} with 30-day retention, and signed webhook deliveries ({@code Webhooks}).
 * Every change goes through {@code Story}, which records the event carrying the object's state
 * right after the change, so the newest event about an object always equals its current state;
 * {@code Activity} keeps changing the account while it runs.
 *
 * <p>{@link dev.opensigma.sim.SyntheticEvents} generates event streams alone (same-second bursts,
 * late updates, deletions, types nobody listed) with the final state they describe, for the
 * ingest benchmark.
 */
package dev.opensigma.sim;
