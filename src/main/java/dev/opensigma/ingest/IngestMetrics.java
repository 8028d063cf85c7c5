package dev.opensigma.ingest;

import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** Counts what comes in and how it ended, and how long acknowledging took. */
public final class IngestMetrics {

    private final MeterRegistry registry;
    private final AtomicReference<Instant> lastReceived = new AtomicReference<>();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void received(Source source) {
        Counter.builder("opensigma.events.received").description("Events received, before any check")
                .tag("source", source.label()).register(registry).increment();
        lastReceived.set(Instant.now());
    }

    void committed(Source source, Outcome outcome, Duration latency) {
        Counter.builder("opensigma.events.applied").description("Events committed, by outcome")
                .tag("source", source.label()).tag("outcome", outcome.name().toLowerCase())
                .register(registry).increment();
        Timer.builder("opensigma.ingest.latency").description("From request received to event committed")
                .tag("source", source.label()).publishPercentileHistogram()
                .register(registry).record(latency);
    }

    void rejected(Source source, String reason) {
        Counter.builder("opensigma.events.rejected").description("Requests refused, by reason")
                .tag("source", source.label()).tag("reason", reason).register(registry).increment();
    }

    /** When this process last received an event (any outcome), or null. */
    public Instant lastReceived() {
        return lastReceived.get();
    }
}
