package dev.opensigma.sync;

import java.time.Instant;

/** A place in one account's event feed: the newest event read so far. */
public record FeedPosition(String eventId, Instant created) {
}
