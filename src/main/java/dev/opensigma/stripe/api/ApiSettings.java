package dev.opensigma.stripe.api;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach Stripe: base URL, key, pinned API version and the request budget.
 *
 * @param globalPerSecond   requests per second for the whole account (Stripe: 100 live, 25 test)
 * @param endpointPerSecond requests per second per endpoint (Stripe: 25)
 * @param maxAttempts       tries per request before giving up on 429s, 5xx and network errors
 */
public record ApiSettings(URI baseUrl, ApiKey key, String apiVersion, double globalPerSecond,
                          double endpointPerSecond, int maxAttempts, Duration timeout) {

    public static final String DEFAULT_BASE = "https://api.stripe.com";

    /** The version stripe-java 33.3.0 is generated for; every stored object records it. */
    public static final String PINNED_VERSION = com.stripe.Stripe.API_VERSION;

    /**
     * Stripe's published limits, a little under them: a client that runs exactly at the limit
     * meets 429s whenever its clock and Stripe's windows disagree.
     */
    static final double HEADROOM = 0.96;

    public ApiSettings {
        if (globalPerSecond <= 0 || endpointPerSecond <= 0) {
            throw new IllegalArgumentException("Request budgets must be positive");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static ApiSettings defaults(URI baseUrl, ApiKey key) {
        return new ApiSettings(baseUrl, key, PINNED_VERSION, (key.live() ? 100 : 25) * HEADROOM, 25 * HEADROOM,
                10, Duration.ofSeconds(80));
    }

    /**
     * From the environment: {@code STRIPE_API_KEY} (required), {@code STRIPE_API_BASE},
     * {@code STRIPE_API_VERSION}, {@code OPENSIGMA_STRIPE_GLOBAL_RPS}, {@code OPENSIGMA_STRIPE_ENDPOINT_RPS}.
     */
    public static ApiSettings fromEnvironment(Map<String, String> env) {
        ApiKey key = ApiKey.of(env.get("STRIPE_API_KEY"));
        String base = env.getOrDefault("STRIPE_API_BASE", DEFAULT_BASE);
        URI url;
        try {
            url = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
            if (url.getScheme() == null || url.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("STRIPE_API_BASE is not a URL (" + base + "): expected e.g. "
                    + DEFAULT_BASE + " or http://127.0.0.1:12111 for the simulator");
        }
        ApiSettings settings = defaults(url, key);
        return settings
                .withApiVersion(env.getOrDefault("STRIPE_API_VERSION", settings.apiVersion()))
                .withBudget(rate(env, "OPENSIGMA_STRIPE_GLOBAL_RPS", settings.globalPerSecond()),
                        rate(env, "OPENSIGMA_STRIPE_ENDPOINT_RPS", settings.endpointPerSecond()));
    }

    private static double rate(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            double rate = Double.parseDouble(value);
            if (rate <= 0) {
                throw new NumberFormatException();
            }
            return rate;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive number of requests per second, not '" + value + "'");
        }
    }

    public ApiSettings withBudget(double global, double endpoint) {
        return new ApiSettings(baseUrl, key, apiVersion, global, endpoint, maxAttempts, timeout);
    }

    public ApiSettings withApiVersion(String version) {
        return new ApiSettings(baseUrl, key, version, globalPerSecond, endpointPerSecond, maxAttempts, timeout);
    }

    public ApiSettings withMaxAttempts(int attempts) {
        return new ApiSettings(baseUrl, key, apiVersion, globalPerSecond, endpointPerSecond, attempts, timeout);
    }
}
