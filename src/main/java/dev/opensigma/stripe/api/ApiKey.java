package dev.opensigma.stripe.api;

import java.util.regex.Pattern;

/**
 * A Stripe secret ({@code sk_}) or restricted ({@code rk_}) key. Its {@link #toString()} is
 * masked the way Stripe masks keys in its own messages, so a key cannot reach a log by accident.
 */
public final class ApiKey {

    private static final Pattern SHAPE = Pattern.compile("(sk|rk)_(test|live)_[A-Za-z0-9_]+");

    private final String secret;

    private ApiKey(String secret) {
        this.secret = secret;
    }

    /** Checks the key's shape, so a typo fails here rather than as 401s in the middle of a backfill. */
    public static ApiKey of(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("No Stripe API key: set STRIPE_API_KEY to a secret key (sk_live_...)"
                    + " or a restricted key with read access (rk_live_...).");
        }
        String trimmed = key.strip();
        if (!SHAPE.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("STRIPE_API_KEY does not look like a Stripe key (" + mask(trimmed)
                    + "): expected sk_live_..., sk_test_..., rk_live_... or rk_test_...");
        }
        return new ApiKey(trimmed);
    }

    public boolean live() {
        return secret.contains("_live_");
    }

    public boolean restricted() {
        return secret.startsWith("rk_");
    }

    /** The key itself, for the Authorization header only. */
    String secret() {
        return secret;
    }

    public String masked() {
        return mask(secret);
    }

    static String mask(String key) {
        int prefix = key.indexOf('_', 3) + 1;
        if (prefix <= 0 || key.length() < prefix + 4) {
            return "****";
        }
        return key.substring(0, prefix) + "****" + key.substring(key.length() - 4);
    }

    @Override
    public String toString() {
        return masked();
    }
}
