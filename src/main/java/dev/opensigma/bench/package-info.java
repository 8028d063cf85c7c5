/**
 * Benchmarks that drive a real OpenSigma (HTTP server, apply path, embedded PostgreSQL with fsync)
 * the way production traffic would, check that nothing acknowledged was lost, and print figures
 * ready to paste into {@code docs/benchmarks.md}. Used by {@code ./opensigma bench}.
 */
package dev.opensigma.bench;
