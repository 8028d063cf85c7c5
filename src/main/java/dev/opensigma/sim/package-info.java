/**
 * Stand-ins for Stripe, for tests, benchmarks and demos: generated event streams with realistic
 * shapes and timing (same-second bursts, late updates, deletions, Connect accounts, types nobody
 * listed), together with the true final state they describe.
 */
package dev.opensigma.sim;
