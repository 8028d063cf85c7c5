package dev.opensigma.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency at a fixed arrival rate: event {@code i} is due at {@code start + i / rate}, whether or
 * not earlier events were answered (Stripe does not wait for us either). Each latency is measured
 * from the due time, not from the actual send, so a stall that delays later sends shows in the
 * figures instead of being hidden (coordinated omission).
 */
final class OpenLoopLoad {

    /** A bound on open connections if the server stalls; waiting for one still counts as latency. */
    private static final int MAX_IN_FLIGHT = 512;

    private OpenLoopLoad() {
    }

    static LoadResult run(WebhookClient client, List<BenchEvent> events, double eventsPerSecond) throws InterruptedException {
        int n = events.size();
        Delivery[] deliveries = new Delivery[n];
        long[] answeredAt = new long[n];
        CompletableFuture<?>[] answers = new CompletableFuture<?>[n];
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / eventsPerSecond);
            waitUntil(due);
            inFlight.acquire();
            BenchEvent event = events.get(i);
            int index = i;
            answers[i] = client.sendAsync(event).handle((status, error) -> {
                long now = System.nanoTime();
                deliveries[index] = error == null
                        ? new Delivery(event.id(), status, now - due, null)
                        : new Delivery(event.id(), 0, now - due, cause(error).getClass().getSimpleName());
                answeredAt[index] = now;
                inFlight.release();
                return null;
            });
        }
        CompletableFuture.allOf(answers).join();
        long last = Arrays.stream(answeredAt).max().orElse(start);
        return new LoadResult(Arrays.asList(deliveries), Duration.ofNanos(last - start));
    }

    private static void waitUntil(long due) {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
