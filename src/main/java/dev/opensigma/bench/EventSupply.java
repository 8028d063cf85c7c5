package dev.opensigma.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.sim.SyntheticEvents;
import dev.opensigma.stripe.Json;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fresh synthetic events for each run: a new generator (new seed) per call, so no run resends
 * an event another run stored (which would be answered as a cheap duplicate and flatter the
 * figures). The events keep their story order: bursts on one object in the same second, as
 * Stripe sends them.
 *
 * <p>The generator's objects are trimmed and average about 1.2 KB per event, while real Stripe
 * events (invoices with lines, charges with payment details) average about 3 KB. To load the
 * server as real traffic would, each object gets a {@code bench_padding} field of metadata-like
 * entries that brings its first event to {@link #TARGET_EVENT_BYTES}. An object carries the same
 * padding in all its versions, so the padding never looks like a change of state.
 */
final class EventSupply {

    static final int TARGET_EVENT_BYTES = 3_000;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String[] WORDS = {"plan_upgrade_note", "shipping_zone_eu", "invoice_memo_text",
        "campaign_spring_q2", "support_ticket_ref", "warehouse_code_ab"};
    /** Bytes of JSON one padding entry takes: {@code "k07":"<17 letters>_<8 letters>",}. */
    private static final int ENTRY_BYTES = 35;

    private final long seed;
    private final long startEpochSecond;
    private int calls;
    private long bytes;
    private long events;

    EventSupply(long seed, long startEpochSecond) {
        this.seed = seed;
        this.startEpochSecond = startEpochSecond;
    }

    List<BenchEvent> next(int count) {
        if (count == 0) {
            return List.of();
        }
        long runSeed = seed + 1_000_003L * ++calls;
        SyntheticEvents generator = new SyntheticEvents(runSeed, startEpochSecond);
        List<String> bodies = generator.generate(Math.max(1, count / 4));
        while (bodies.size() < count) {
            bodies = generator.generate(Math.max(1, (count - bodies.size()) / 4));
        }
        Random random = new Random(runSeed);
        Map<String, JsonNode> paddingByObject = new HashMap<>();
        List<BenchEvent> batch = new ArrayList<>(count);
        for (String body : bodies.subList(0, count)) {
            BenchEvent event = padded(body, paddingByObject, random);
            bytes += event.bytes().length;
            batch.add(event);
        }
        events += count;
        return batch;
    }

    /** Mean body size in bytes of all events handed out so far. */
    double meanEventBytes() {
        return events == 0 ? 0 : (double) bytes / events;
    }

    private static BenchEvent padded(String body, Map<String, JsonNode> paddingByObject, Random random) {
        try {
            ObjectNode event = (ObjectNode) Json.MAPPER.readTree(body);
            int shortfall = TARGET_EVENT_BYTES - body.getBytes(StandardCharsets.UTF_8).length;
            if (event.path("data").path("object") instanceof ObjectNode object) {
                // Objects without an id have no versions to keep consistent: pad them afresh.
                String key = object.path("object").asText() + ":" + object.path("id").asText(null);
                JsonNode padding = object.has("id")
                        ? paddingByObject.computeIfAbsent(key, k -> padding(shortfall, random))
                        : padding(shortfall, random);
                object.set("bench_padding", padding);
            }
            return new BenchEvent(event.get("id").asText(), Json.MAPPER.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * About {@code size} bytes of entries such as {@code "k07":"plan_upgrade_note_Xq3aZ81b"}: part
     * repeated words, part random characters, so they compress about as well as Stripe's JSON.
     */
    private static JsonNode padding(int size, Random random) {
        ObjectNode padding = JsonNodeFactory.instance.objectNode();
        int entry = 0;
        for (int left = size - 20; left > 0; left -= ENTRY_BYTES) {
            StringBuilder value = new StringBuilder(WORDS[random.nextInt(WORDS.length)]).append('_');
            for (int i = 0; i < 8; i++) {
                value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            padding.put((entry < 10 ? "k0" : "k") + entry++, value.toString());
        }
        return padding;
    }
}
