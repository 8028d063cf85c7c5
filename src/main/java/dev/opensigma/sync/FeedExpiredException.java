package dev.opensigma.sync;

/**
 * The stored position is older than Stripe keeps events (30 days), so the feed cannot say what
 * changed since: a backfill must reconcile.
 */
public final class FeedExpiredException extends Exception {

    public FeedExpiredException(String message) {
        super(message);
    }
}
