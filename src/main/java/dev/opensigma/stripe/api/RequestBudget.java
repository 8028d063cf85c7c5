package dev.opensigma.stripe.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The request rate every caller of one account shares, counted as Stripe counts it: one budget
 * for the account and one per endpoint ("list charges", whatever the parameters). Requests are
 * spaced evenly rather than sent in bursts, because Stripe's windows and ours never line up.
 *
 * <p>A caller first waits for its endpoint's turn and only then queues for the account's, so a
 * crowd waiting on one busy endpoint never holds back requests to the others.
 */
final class RequestBudget {

    private final Pace global;
    private final double endpointPerSecond;
    private final ConcurrentHashMap<String, Pace> endpoints = new ConcurrentHashMap<>();

    RequestBudget(double globalPerSecond, double endpointPerSecond) {
        this.global = new Pace(globalPerSecond);
        this.endpointPerSecond = endpointPerSecond;
    }

    void acquire(String endpoint) throws InterruptedException {
        endpoints.computeIfAbsent(endpoint, e -> new Pace(endpointPerSecond)).await();
        global.await();
    }

    /** After a 429: nobody sends to that endpoint (or anywhere, for a global limit) for a while. */
    void pause(String endpoint, boolean wholeAccount, long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        if (wholeAccount) {
            global.holdUntil(until);
        } else {
            endpoints.computeIfAbsent(endpoint, e -> new Pace(endpointPerSecond)).holdUntil(until);
        }
    }

    /** Evenly spaced turns: each caller reserves the next free slot and sleeps until it. */
    private static final class Pace {
        private final long interval;
        private long next = System.nanoTime();

        Pace(double perSecond) {
            this.interval = (long) (1e9 / perSecond);
        }

        void await() throws InterruptedException {
            long slot;
            synchronized (this) {
                slot = Math.max(System.nanoTime(), next);
                next = slot + interval;
            }
            for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }

        synchronized void holdUntil(long nanos) {
            next = Math.max(next, nanos);
        }
    }
}
