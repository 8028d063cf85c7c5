/**
 * OpenSigma: a complete, queryable copy of a Stripe account in PostgreSQL. {@link dev.opensigma.Main}
 * starts the command line; {@link dev.opensigma.Server} puts the running service together from the
 * packages below (edges → apply → store). See docs/architecture.md.
 */
package dev.opensigma;
