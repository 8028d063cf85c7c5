package dev.opensigma.ingest;

import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** Counts what comes in and how it ended, and how long acknowledging took. */
public final class IngestMetrics {

    private final MeterRegistry registry;
    private final AtomicReference<Instant> lastReceived = new AtomicReference<>();
    // Meters by tags, registered once: looking them up in the registry on every request (builder,
    // tag sorting, id hashing) cost more than counting.
    private final Map<Source, Counter> received = new ConcurrentHashMap<>();
    private final Map<String, Counter> applied = new ConcurrentHashMap<>();
    private final Map<Source, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void received(Source source) {
        received.computeIfAbsent(source, s -> Counter.builder("opensigma.events.received")
                .description("Events received, before any check").tag("source", s.label()).register(registry))
                .increment();
        lastReceived.set(Instant.now());
    }

    void committed(Source source, Outcome outcome, Duration latency) {
        applied.computeIfAbsent(source.label() + "|" + outcome.name(), k -> Counter.builder("opensigma.events.applied")
                .description("Events committed, by outcome").tag("source", source.label())
                .tag("outcome", outcome.name().toLowerCase()).register(registry)).increment();
        this.latency.computeIfAbsent(source, s -> Timer.builder("opensigma.ingest.latency")
                .description("From request received to event committed").tag("source", s.label())
                .publishPercentileHistogram().register(registry)).record(latency);
    }

    void rejected(Source source, String reason) {
        rejected.computeIfAbsent(source.label() + "|" + reason, k -> Counter.builder("opensigma.events.rejected")
                .description("Requests refused, by reason").tag("source", source.label()).tag("reason", reason)
                .register(registry)).increment();
    }

    /** When this process last received an event (any outcome), or null. */
    public Instant lastReceived() {
        return lastReceived.get();
    }
}
