package dev.opensigma;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How {@code serve} runs.
 *
 * @param webhookSecrets signing secrets accepted on /webhooks (rotation: old and new together)
 * @param directToken    bearer token for /direct; the endpoint is off without one
 * @param writers        apply threads committing batches in parallel
 * @param maxBatch       most events in one commit
 * @param apiVersion     with a Stripe API key, the version objects are fetched in: an event rendered in
 *                       another one asks for its object to be fetched again (empty without a key)
 */
public record ServerSettings(
        String host,
        int port,
        List<String> webhookSecrets,
        Optional<String> directToken,
        long maxBodyBytes,
        int writers,
        int maxBatch,
        Duration commitTimeout,
        Optional<String> apiVersion) {

    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final long SIGNATURE_TOLERANCE_SECONDS = 300;

    public ServerSettings {
        webhookSecrets = List.copyOf(webhookSecrets);
    }
}
