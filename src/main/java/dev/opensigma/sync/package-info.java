/**
 * Staying current from Stripe's event feed ({@code /v1/events}) without a public URL: reading
 * the feed forward from a stored position, applying each event through the apply path (where
 * events that also came by webhook are recognised as duplicates), and noticing when the stored
 * position has fallen out of Stripe's 30-day retention, which only a backfill can repair. With
 * each read, the balance transactions and open Checkout Sessions no event announces are listed;
 * the objects whose newest state events could not tell (thin events, undecided same-second ties)
 * are fetched again and filed as snapshots, and the child lists events carried in part or not at
 * all (an invoice's lines past the tenth, a session's line items) are paged in full. Before any
 * of it, {@link dev.opensigma.sync.MirroredAccount} checks that the key belongs to the account and
 * mode the schema mirrors.
 */
package dev.opensigma.sync;
