package dev.opensigma.stripe.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A successful answer.
 *
 * @param answeredAt Stripe's clock when it answered (its {@code Date} header, else ours): the
 *                   moment a fetched object is known to have been in this state
 */
public record ApiResponse(JsonNode body, String requestId, Instant answeredAt) {
}
