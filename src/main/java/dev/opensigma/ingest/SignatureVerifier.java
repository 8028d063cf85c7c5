package dev.opensigma.ingest;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.util.List;

/**
 * Checks {@code Stripe-Signature} with stripe-java (HMAC-SHA256 over {@code "<t>.<body>"},
 * constant-time comparison, timestamp tolerance). Several secrets may be configured so that a
 * rotated secret and its successor both work while Stripe signs with both.
 */
public final class SignatureVerifier {

    private final List<String> secrets;
    private final long toleranceSeconds;

    public SignatureVerifier(List<String> secrets, long toleranceSeconds) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one webhook signing secret is needed");
        }
        this.secrets = List.copyOf(secrets);
        this.toleranceSeconds = toleranceSeconds;
    }

    /** Reads a comma-separated list such as {@code STRIPE_WEBHOOK_SECRET="whsec_old,whsec_new"}. */
    public static List<String> parseSecrets(String value) {
        if (value == null) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public void verify(String payload, String header) throws Rejection {
        if (header == null || header.isBlank()) {
            throw new Rejection(400, "missing_signature", "The Stripe-Signature header is missing. Webhooks must come"
                    + " from Stripe (or be signed the same way); to relay events you already verified, use POST /direct.");
        }
        if (!header.contains("t=") || !header.contains(Webhook.Signature.EXPECTED_SCHEME + "=")) {
            throw new Rejection(400, "malformed_signature", "The Stripe-Signature header is not of the form"
                    + " 't=<unix seconds>,v1=<hex>'.");
        }
        boolean stale = false;
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, header, secret, toleranceSeconds);
                return;
            } catch (SignatureVerificationException e) {
                stale |= String.valueOf(e.getMessage()).toLowerCase().contains("tolerance");
            }
        }
        if (stale) {
            throw new Rejection(400, "stale_timestamp", "The signature's timestamp is more than " + toleranceSeconds
                    + " s old: replays are refused. Check the sender's clock, or resend the event.");
        }
        throw new Rejection(400, "bad_signature", "No signature in Stripe-Signature matches the body with any of the "
                + secrets.size() + " configured secret(s). Check STRIPE_WEBHOOK_SECRET against the endpoint's signing"
                + " secret in Stripe, and that nothing between Stripe and OpenSigma rewrites the body.");
    }
}
