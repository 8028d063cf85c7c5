package dev.opensigma.ingest;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.stripe.InvalidEventException;
import dev.opensigma.stripe.StripeEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
        try (LineReader reader = new LineReader(Files.newInputStream(file))) {
            byte[] raw;
            while ((raw = reader.next()) != null) {
                lineNumber++;
                bytes = reader.bytesRead();
                int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                String line;
                try {
                    line = utf8.decode(ByteBuffer.wrap(raw, 0, length)).toString();
                } catch (CharacterCodingException e) {
                    // One badly encoded line must not end the import: report it like any bad line.
                    invalid.add("line " + lineNumber + ": not valid UTF-8 text; NDJSON files must be UTF-8.");
                    progress.accept(bytes);
                    continue;
                }
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
            bytes = reader.bytesRead();
        }
        while (!inFlight.isEmpty()) {
            failed += settle(inFlight.poll(), outcomes);
        }
        progress.accept(bytes);
        return new Summary(outcomes, invalid, failed);
    }

    /** Splits a byte stream at '\n', counting the bytes consumed (so progress matches the file size). */
    private static final class LineReader implements AutoCloseable {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private long consumed;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(8 * 1024);

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line without its '\n', or null at the end of the stream. */
        byte[] next() throws IOException {
            line.reset();
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return line.size() == 0 ? null : line.toByteArray();
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                line.write(buffer, start, position - start);
                consumed += position - start;
                if (position < limit) { // at '\n'
                    position++;
                    consumed++;
                    return line.toByteArray();
                }
            }
        }

        long bytesRead() {
            return consumed;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
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
