/**
 * Staying current from Stripe's event feed ({@code /v1/events}) without a public URL: reading
 * the feed forward from a stored position, applying each event through the apply path (where
 * events that also came by webhook are recognised as duplicates), and noticing when the stored
 * position has fallen out of Stripe's 30-day retention, which only a backfill can repair.
 */
package dev.opensigma.sync;
