package dev.opensigma.ingest;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.stripe.InvalidEventException;
import dev.opensigma.stripe.StripeEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * Replays events from an NDJSON file (one event per line, as exported from Stripe or from
 * OpenSigma) through the same apply path as webhooks. Lines that are not events are reported by
 * number and skipped; everything else is committed.
 */
public final class NdjsonImporter {

    /** What an import did. {@code invalidLines} holds "line N: reason" for each skipped line. */
    public record Summary(Map<Outcome, Long> outcomes, List<String> invalidLines, long failed) {
        public long total() {
            return outcomes.values().stream().mapToLong(Long::longValue).sum() + invalidLines.size() + failed;
        }
    }

    private static final int IN_FLIGHT = 2_000;

    private final Applier applier;

    public NdjsonImporter(Applier applier) {
        this.applier = applier;
    }

    /** Imports the file; {@code progress} is told the number of bytes read so far. */
    public Summary importFile(Path file, LongConsumer progress) throws IOException, InterruptedException {
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        List<String> invalid = new ArrayList<>();
        ArrayDeque<CompletableFuture<Outcome>> inFlight = new ArrayDeque<>();
        long failed = 0;
        long bytes = 0;
        long lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    StripeEvent event = StripeEvent.parse(line);
                    inFlight.add(applier.submit(Observation.of(event, Source.IMPORT), Long.MAX_VALUE));
                } catch (InvalidEventException e) {
                    invalid.add("line " + lineNumber + ": " + e.getMessage());
                }
                while (inFlight.size() >= IN_FLIGHT) {
                    failed += settle(inFlight.poll(), outcomes);
                }
                progress.accept(bytes);
            }
        }
        while (!inFlight.isEmpty()) {
            failed += settle(inFlight.poll(), outcomes);
        }
        progress.accept(bytes);
        return new Summary(outcomes, invalid, failed);
    }

    private static int settle(CompletableFuture<Outcome> future, Map<Outcome, Long> outcomes) throws InterruptedException {
        try {
            outcomes.merge(future.get(), 1L, Long::sum);
            return 0;
        } catch (ExecutionException e) {
            return 1;
        }
    }
}
