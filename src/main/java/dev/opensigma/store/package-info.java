/**
 * Where the data lives: opening PostgreSQL (the embedded server in the data directory, or any
 * server named by {@code DATABASE_URL}), the connection pool, and the Flyway migrations that
 * create and upgrade the schema. Nothing here knows about Stripe events; that is {@code apply}.
 */
package dev.opensigma.store;
