package dev.opensigma.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput at a fixed concurrency: {@code concurrency} senders, each posting its next event as
 * soon as the previous one is answered, until all events are sent. With every sender waiting on
 * its commit, this finds how many events per second the server can acknowledge.
 */
final class ClosedLoopLoad {

    private ClosedLoopLoad() {
    }

    static LoadResult run(WebhookClient client, List<BenchEvent> events, int concurrency) {
        Delivery[] deliveries = new Delivery[events.size()];
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        // Virtual threads: a sender spends its life blocked on a response, so 64 of them cost nothing.
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < concurrency; s++) {
                senders.submit(() -> {
                    for (int i = next.getAndIncrement(); i < events.size(); i = next.getAndIncrement()) {
                        deliveries[i] = deliver(client, events.get(i));
                    }
                });
            }
        } // close() waits for every sender to finish
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new LoadResult(Arrays.asList(deliveries), elapsed);
    }

    private static Delivery deliver(WebhookClient client, BenchEvent event) {
        long sent = System.nanoTime();
        try {
            int status = client.send(event);
            return new Delivery(event.id(), status, System.nanoTime() - sent, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(event.id(), 0, System.nanoTime() - sent, "interrupted");
        } catch (Exception e) {
            return new Delivery(event.id(), 0, System.nanoTime() - sent, e.getClass().getSimpleName());
        }
    }
}
