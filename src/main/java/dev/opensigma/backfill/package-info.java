/**
 * Copying a whole Stripe account through its list endpoints: a registry of every listable type,
 * a plan of {@code created} ranges per type (split further while there is rate budget to use),
 * workers that page the ranges concurrently and write each page through the apply path as
 * snapshots, and checkpoints in PostgreSQL so a killed run resumes where it stopped. Before listing
 * anything it marks where the event feed stands, and replays the feed from there at the end, so
 * changes made during a long run are not missed.
 */
package dev.opensigma.backfill;
