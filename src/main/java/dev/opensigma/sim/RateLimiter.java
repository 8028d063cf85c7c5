package dev.opensigma.sim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stripe's request rate limits: per account and API mode, a global limit and a limit per endpoint
 * (method and route, whatever the parameters), each counted over a sliding one-second window of
 * admitted requests, so no one-second span ever admits more than the limit.
 */
final class RateLimiter {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final int liveGlobal;
    private final int testGlobal;
    private final int endpoint;
    private final Map<String, Windows> byAccountAndMode = new ConcurrentHashMap<>();

    RateLimiter(int liveGlobal, int testGlobal, int endpoint) {
        this.liveGlobal = liveGlobal;
        this.testGlobal = testGlobal;
        this.endpoint = endpoint;
    }

    /** Admits the request, or returns the {@code Stripe-Rate-Limited-Reason} why not. */
    String admit(String account, boolean live, String endpointName, long nowNanos) {
        int global = live ? liveGlobal : testGlobal;
        if (global == 0 && endpoint == 0) {
            return null;
        }
        Windows w = byAccountAndMode.computeIfAbsent(account + (live ? " live" : " test"), k -> new Windows());
        synchronized (w) {
            ArrayDeque<Long> perEndpoint = w.endpoints.computeIfAbsent(endpointName, k -> new ArrayDeque<>());
            trim(perEndpoint, nowNanos);
            trim(w.global, nowNanos);
            if (endpoint > 0 && perEndpoint.size() >= endpoint) {
                return "endpoint-rate";
            }
            if (global > 0 && w.global.size() >= global) {
                return "global-rate";
            }
            perEndpoint.addLast(nowNanos);
            w.global.addLast(nowNanos);
            return null;
        }
    }

    private static void trim(ArrayDeque<Long> window, long now) {
        while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_NANOS) {
            window.removeFirst();
        }
    }

    private static final class Windows {
        final ArrayDeque<Long> global = new ArrayDeque<>();
        final Map<String, ArrayDeque<Long>> endpoints = new HashMap<>();
    }
}
