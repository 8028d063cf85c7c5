package dev.opensigma.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.net.Webhook;
import dev.opensigma.sim.SyntheticEvents;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Several senders posting signed webhooks continuously (each a fresh synthetic event), the way
 * Stripe does during an incident: they keep going whatever the answers. Records which events
 * were acknowledged (2xx) and every failure, for robustness tests to check against the database.
 */
public final class WebhookTraffic implements AutoCloseable {

    /** One answer that was not a 2xx. {@code status} is -1 when no HTTP answer came at all. */
    public record Failure(String eventId, int status, String code, String detail) {
        @Override
        public String toString() {
            return status + " " + code + " (" + eventId + "): " + detail;
        }
    }

    /** Safety stop: a test that needs more events than this is not going to pass anyway. */
    private static final int MAX_EVENTS = 60_000;

    private volatile URI webhooks;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final SyntheticEvents generator;
    private List<String> pending = List.of();
    private int nextPending;
    private int generated;

    private final Map<String, String> sent = new ConcurrentHashMap<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final List<Thread> senders = new ArrayList<>();
    private volatile boolean stopping;

    private WebhookTraffic(URI base, String secret, long seed) {
        this.webhooks = base.resolve("/webhooks");
        this.secret = secret;
        this.generator = new SyntheticEvents(seed, 1_760_000_000L);
    }

    /** Starts {@code senders} threads posting to {@code base}/webhooks, signed with {@code secret}. */
    public static WebhookTraffic start(URI base, String secret, int senders, long seed) {
        WebhookTraffic traffic = new WebhookTraffic(base, secret, seed);
        for (int i = 0; i < senders; i++) {
            Thread t = Thread.ofPlatform().name("webhook-sender-" + i).daemon(true).start(traffic::send);
            traffic.senders.add(t);
        }
        return traffic;
    }

    private void send() {
        String body;
        while (!stopping && (body = nextEvent()) != null) {
            Failure failure = post(body);
            if (failure != null && failure.status() < 0) {
                pause(50); // nobody listening: do not spin
            }
        }
    }

    private synchronized String nextEvent() {
        if (nextPending == pending.size()) {
            if (generated >= MAX_EVENTS) {
                return null;
            }
            List<String> all = generator.generate(50);
            pending = all.subList(generated, all.size());
            generated = all.size();
            nextPending = 0;
        }
        return pending.get(nextPending++);
    }

    /** Posts one event, signed now; records the answer. Returns the failure, or null on a 2xx. */
    private Failure post(String body) {
        String id = idOf(body);
        sent.put(id, body);
        String header;
        try {
            header = Webhook.Signature.generateSignatureHeader(body, secret, Webhook.Util.getTimeNow());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(webhooks).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Stripe-Signature", header)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        Failure failure;
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            answers.merge(Integer.toString(response.statusCode()), 1, Integer::sum);
            if (response.statusCode() / 100 == 2) {
                acked.add(id);
                return null;
            }
            failure = new Failure(id, response.statusCode(), errorCode(response.body()), response.body());
        } catch (IOException e) {
            answers.merge("io-error", 1, Integer::sum);
            failure = new Failure(id, -1, "io_error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new Failure(id, -1, "interrupted", e.toString());
        }
        failures.add(failure);
        return failure;
    }

    /**
     * Delivers once more, one by one, every event not acknowledged so far, as Stripe retries; to
     * {@code base} from now on. Returns the failures of this round (empty when all were taken).
     */
    public List<Failure> redeliverUnacked(URI base) {
        webhooks = base.resolve("/webhooks");
        List<Failure> again = new ArrayList<>();
        for (String id : unacked()) {
            Failure failure = post(sent.get(id));
            if (failure != null) {
                again.add(failure);
            }
        }
        return again;
    }

    /** Stops the senders and waits for their last requests. */
    public void stop() {
        stopping = true;
        for (Thread t : senders) {
            try {
                t.join(Duration.ofSeconds(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int ackCount() {
        return acked.size();
    }

    public int failureCount() {
        return failures.size();
    }

    /** Ids of the events that got a 2xx. */
    public Set<String> acked() {
        return Set.copyOf(acked);
    }

    /** Ids of the events sent but never acknowledged. */
    public List<String> unacked() {
        return sent.keySet().stream().filter(id -> !acked.contains(id)).sorted().toList();
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    private List<Failure> failuresSince(int mark) {
        List<Failure> all = List.copyOf(failures);
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    /** Waits until {@code count} events in all were acknowledged. */
    public void awaitAcks(int count, Duration limit, Supplier<String> context) {
        awaitCondition(() -> acked.size() >= count, limit, () -> "waiting for " + count + " acknowledged events", context);
    }

    /** Waits until a failure recorded after {@code mark} matches. */
    public Failure awaitFailure(int mark, Predicate<Failure> matching, Duration limit, Supplier<String> context) {
        awaitCondition(() -> failuresSince(mark).stream().anyMatch(matching), limit,
                () -> "waiting for a matching failure", context);
        return failuresSince(mark).stream().filter(matching).findFirst().orElseThrow();
    }

    private void awaitCondition(BooleanSupplier done, Duration limit, Supplier<String> what, Supplier<String> context) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + limit.toSeconds() + " s " + what.get() + ". " + summary()
                        + "\n" + context.get());
            }
            if (senders.stream().noneMatch(Thread::isAlive)) {
                throw new AssertionError("The senders stopped while " + what.get() + ". " + summary() + "\n" + context.get());
            }
            pause(50);
        }
    }

    /** Counts of answers and the last few failures, for assertion messages. */
    public String summary() {
        Map<String, Long> codes = new TreeMap<>();
        for (Failure f : failures) {
            codes.merge(f.status() + " " + f.code(), 1L, Long::sum);
        }
        List<Failure> all = List.copyOf(failures);
        List<Failure> last = all.subList(Math.max(0, all.size() - 3), all.size());
        return "Sent " + sent.size() + ", acknowledged " + acked.size() + "; answers " + new TreeMap<>(answers)
                + "; failures by code " + codes + (last.isEmpty() ? "" : "; last failures: " + last);
    }

    /**
     * Whether an event carries an object (with {@code id} and {@code object}) and must therefore
     * have left exactly one version in {@code object_versions}.
     */
    public static boolean carriesObject(String body) {
        JsonNode object = parse(body).path("data").path("object");
        return object.path("id").isTextual() && object.path("object").isTextual();
    }

    /** Event id to "carries an object", for the given ids. */
    public Map<String, Boolean> expectations(Iterable<String> ids) {
        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (String id : ids) {
            expected.put(id, carriesObject(sent.get(id)));
        }
        return expected;
    }

    private static String idOf(String body) {
        return parse(body).path("id").asText();
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String errorCode(String body) {
        try {
            return Json.MAPPER.readTree(body).path("error").path("code").asText("?");
        } catch (IOException e) {
            return "not-json";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
