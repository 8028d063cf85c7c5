package dev.opensigma.sim;

import java.time.Instant;

/**
 * One webhook delivery attempt by the simulator.
 *
 * @param attempt 1 for the first try of a delivery, 2.. for retries (a duplicate delivery starts at 1 again)
 * @param status  the receiver's HTTP status, or -1 when no answer came (connection refused, timeout)
 */
public record WebhookDelivery(String eventId, String endpointId, int attempt, int status, Instant at) {
}
