package dev.opensigma.sim;

import java.time.Duration;
import java.util.Set;

/**
 * How a {@link StripeSimulator} behaves: what it generates ({@code seed}, {@code scale} in objects,
 * {@code connectedAccounts}), how Stripe-like its answers are (latency, rate limits per second,
 * injected failures) and what keeps happening while it runs ({@code liveEventsPerSecond}).
 *
 * @param latency              time before each non-429 answer; {@link Duration#ZERO} for none
 * @param latencyJitter        fraction of {@code latency} added or taken at random (0.5 = ±50%)
 * @param globalLimit          live-mode requests per second per account; 0 = unlimited
 * @param testModeGlobalLimit  test-mode requests per second per account; 0 = unlimited
 * @param endpointLimit        requests per second per account, mode and endpoint; 0 = unlimited
 * @param errorRate            fraction of requests answered with an injected 500
 * @param rateLimitRate        fraction of requests answered with an injected 429
 * @param liveEventsPerSecond  events per second (on average) from changes made while running; 0 = none
 * @param apiKeys              accepted keys; empty = any well-formed {@code sk_}/{@code rk_} key
 * @param deniedToRestrictedKeys resources ({@code "charges"}, {@code "checkout/sessions"}...) that a
 *                             restricted {@code rk_} key may not read
 */
public record SimulatorSettings(String host, int port, long seed, int scale,
                                Duration latency, double latencyJitter,
                                int globalLimit, int testModeGlobalLimit, int endpointLimit,
                                double errorRate, double rateLimitRate,
                                double liveEventsPerSecond,
                                int connectedAccounts,
                                Set<String> apiKeys,
                                Set<String> deniedToRestrictedKeys) {

    public static final int SMALL = 2_000;
    public static final int MEDIUM = 50_000;
    public static final int LARGE = 1_000_000;
    public static final int DEFAULT_PORT = 12111;

    public SimulatorSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 (0 = any free port), not " + port);
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1 object, not " + scale);
        }
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive");
        }
        if (latencyJitter < 0 || latencyJitter > 1) {
            throw new IllegalArgumentException("latencyJitter is a fraction of the latency, 0..1, not " + latencyJitter);
        }
        if (globalLimit < 0 || testModeGlobalLimit < 0 || endpointLimit < 0) {
            throw new IllegalArgumentException("rate limits are requests per second, 0 (unlimited) or more");
        }
        if (errorRate < 0 || errorRate > 1 || rateLimitRate < 0 || rateLimitRate > 1) {
            throw new IllegalArgumentException("errorRate and rateLimitRate are fractions, 0..1");
        }
        if (liveEventsPerSecond < 0) {
            throw new IllegalArgumentException("liveEventsPerSecond must be 0 (none) or more");
        }
        if (connectedAccounts < 0 || connectedAccounts > 100) {
            throw new IllegalArgumentException("connectedAccounts must be 0..100, not " + connectedAccounts);
        }
        apiKeys = apiKeys == null ? Set.of() : Set.copyOf(apiKeys);
        deniedToRestrictedKeys = deniedToRestrictedKeys == null ? Set.of() : Set.copyOf(deniedToRestrictedKeys);
    }

    /** Stripe-like: 250 ms ± 50% latency, 100/25/25 requests per second, port 12111, small, about 1 live event/s. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings("127.0.0.1", DEFAULT_PORT, 1L, SMALL, Duration.ofMillis(250), 0.5,
                100, 25, 25, 0.0, 0.0, 1.0, 2, Set.of(), Set.of());
    }

    /** For tests: no latency, no limits, no background activity, small, any free port. */
    public static SimulatorSettings fast() {
        return new SimulatorSettings("127.0.0.1", 0, 1L, SMALL, Duration.ZERO, 0.0,
                0, 0, 0, 0.0, 0.0, 0.0, 2, Set.of(), Set.of());
    }

    /** {@code small}, {@code medium}, {@code large} or a number of objects. */
    public static int parseScale(String scale) {
        return switch (scale.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "small" -> SMALL;
            case "medium" -> MEDIUM;
            case "large" -> LARGE;
            default -> {
                try {
                    int n = Integer.parseInt(scale.trim().replace("_", ""));
                    if (n < 1) {
                        throw new NumberFormatException();
                    }
                    yield n;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("scale must be small, medium, large or a number of objects (>= 1), not '"
                            + scale + "'");
                }
            }
        };
    }

    public SimulatorSettings withHost(String host) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withPort(int port) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withSeed(long seed) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withScale(int scale) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withLatency(Duration latency) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withLatency(Duration latency, double latencyJitter) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withLatencyJitter(double latencyJitter) {
        return withLatency(latency, latencyJitter);
    }

    public SimulatorSettings withLimits(int globalLimit, int testModeGlobalLimit, int endpointLimit) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withGlobalLimit(int globalLimit) {
        return withLimits(globalLimit, testModeGlobalLimit, endpointLimit);
    }

    public SimulatorSettings withTestModeGlobalLimit(int testModeGlobalLimit) {
        return withLimits(globalLimit, testModeGlobalLimit, endpointLimit);
    }

    public SimulatorSettings withEndpointLimit(int endpointLimit) {
        return withLimits(globalLimit, testModeGlobalLimit, endpointLimit);
    }

    public SimulatorSettings withErrorRate(double errorRate) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withRateLimitRate(double rateLimitRate) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withLiveEventsPerSecond(double liveEventsPerSecond) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withConnectedAccounts(int connectedAccounts) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withApiKeys(Set<String> apiKeys) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }

    public SimulatorSettings withDeniedToRestrictedKeys(Set<String> deniedToRestrictedKeys) {
        return new SimulatorSettings(host, port, seed, scale, latency, latencyJitter, globalLimit, testModeGlobalLimit,
                endpointLimit, errorRate, rateLimitRate, liveEventsPerSecond, connectedAccounts, apiKeys, deniedToRestrictedKeys);
    }
}
