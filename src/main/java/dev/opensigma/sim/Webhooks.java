package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.net.Webhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook endpoints ({@code /v1/webhook_endpoints}) and deliveries as Stripe makes them: every
 * event created after an endpoint exists, matching its {@code enabled_events} (a Connect endpoint
 * gets connected accounts' events, others their own account's), is POSTed signed with the
 * endpoint's secret, at least once (some twice), in no guaranteed order (0–2 s delay), retried on
 * anything but a 2xx — redirects included — with exponential backoff (1 s, 2 s, 4 s… up to 32 s,
 * {@value #MAX_ATTEMPTS} attempts).
 */
final class Webhooks implements AutoCloseable {

    /** One delivery attempt and its outcome ({@code status} -1 when no HTTP answer came). */
    record Delivery(String eventId, String endpointId, int attempt, int status, Instant at) {
    }

    static final int MAX_ATTEMPTS = 8;
    private static final double DUPLICATE_RATE = 0.05;
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

    private final Store store;
    private final Api.Clock clock;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "simulator-webhook-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    private volatile boolean closed;

    private static final class Endpoint {
        final String id;
        final String account;
        final String secret;
        final boolean connect;
        final StoredObject stored;
        volatile ObjectNode node;

        Endpoint(String id, String account, String secret, boolean connect, StoredObject stored, ObjectNode node) {
            this.id = id;
            this.account = account;
            this.secret = secret;
            this.connect = connect;
            this.stored = stored;
            this.node = node;
        }

        boolean enabled() {
            return "enabled".equals(node.path("status").asText()) && !stored.deleted();
        }

        boolean wants(String eventAccount, boolean platformEvent, String type) {
            if (!enabled()) {
                return false;
            }
            boolean accountMatches = connect ? !platformEvent : eventAccount.equals(account);
            if (!accountMatches) {
                return false;
            }
            for (var e : node.path("enabled_events")) {
                String pattern = e.asText();
                if (pattern.equals("*") || pattern.equals(type)
                        || pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1))) {
                    return true;
                }
            }
            return false;
        }
    }

    Webhooks(Store store, Api.Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    // ---- the API ----------------------------------------------------------------------------

    synchronized byte[] create(Params p, Account account, boolean live) {
        p.allowOnly(Set.of("url", "enabled_events", "api_version", "connect", "description", "metadata", "expand"));
        String url = p.get("url");
        if (url == null || url.isBlank()) {
            throw ApiError.invalid("parameter_missing", "Missing required param: url.", "url");
        }
        checkUrl(url);
        List<String> events = p.list("enabled_events");
        if (events.isEmpty()) {
            throw ApiError.invalid("parameter_missing", "Missing required param: enabled_events.", "enabled_events");
        }
        boolean connect = "true".equals(p.get("connect"));
        long now = clock.now();
        String id = Ids.longId("we_", now, store.accounts().get(account.id()).fragment(), ThreadLocalRandom.current());
        String secret = "whsec_" + Ids.random(32, ThreadLocalRandom.current());
        ObjectNode node = Templates.of("webhook_endpoint");
        String version = p.get("api_version");
        if (version == null) {
            node.putNull("api_version");
        } else {
            node.put("api_version", version);
        }
        node.put("created", now).put("description", p.get("description")).put("id", id).put("livemode", live)
                .put("status", "enabled").put("url", url);
        var list = node.putArray("enabled_events");
        events.forEach(list::add);
        ObjectNode metadata = node.putObject("metadata");
        p.hash("metadata").forEach(metadata::put);
        if (account.platform()) {
            node.put("connect", connect); // not in Stripe's sample object, but Stripe shows it on Connect endpoints
        }
        StoredObject stored = new StoredObject(account.id(), "webhook_endpoint", id, null, now, sequence.incrementAndGet(),
                Bytes.of(Api.json(node)), new String[0]);
        Endpoint endpoint = new Endpoint(id, account.id(), secret, connect && account.platform(), stored, node);
        endpoints.put(id, endpoint);
        listing(account.id()).add(stored);
        ObjectNode created = node.deepCopy().put("secret", secret);
        return Api.json(created);
    }

    synchronized byte[] update(String id, Params p, Account account) {
        Endpoint e = find(id, account);
        p.allowOnly(Set.of("url", "enabled_events", "description", "metadata", "disabled", "expand"));
        ObjectNode node = e.node.deepCopy();
        if (p.get("url") != null) {
            checkUrl(p.get("url"));
            node.put("url", p.get("url"));
        }
        List<String> events = p.list("enabled_events");
        if (!events.isEmpty()) {
            var list = node.putArray("enabled_events");
            events.forEach(list::add);
        }
        if (p.get("description") != null) {
            node.put("description", p.get("description"));
        }
        p.hash("metadata").forEach((k, v) -> {
            if (v.isEmpty()) {
                ((ObjectNode) node.get("metadata")).remove(k);
            } else {
                ((ObjectNode) node.get("metadata")).put(k, v);
            }
        });
        if (p.get("disabled") != null) {
            node.put("status", "true".equals(p.get("disabled")) ? "disabled" : "enabled");
        }
        e.node = node;
        e.stored.update(Bytes.of(Api.json(node)), new String[0], false);
        return Api.json(node);
    }

    synchronized byte[] delete(String id, Account account) {
        Endpoint e = find(id, account);
        e.stored.update(e.stored.bytes(), new String[0], true);
        endpoints.remove(id);
        return ("{\"id\":\"" + id + "\",\"object\":\"webhook_endpoint\",\"deleted\":true}").getBytes(StandardCharsets.UTF_8);
    }

    byte[] retrieve(String id, Params p, Account account) {
        p.allowOnly(Set.of("expand"));
        return find(id, account).stored.json();
    }

    byte[] list(Params p, Account account) {
        p.allowOnly(Lists.allowed(false, Set.of()));
        Lists.Query q = Lists.query(p, false);
        StoredObject cursor = null;
        if (q.cursorId() != null) {
            Endpoint e = endpoints.get(q.cursorId());
            if (e == null || !e.account.equals(account.id())) {
                throw ApiError.missing("webhook_endpoint", q.cursorId(), q.startingAfter() != null ? "starting_after" : "ending_before");
            }
            cursor = e.stored;
        }
        return Lists.page(listings.get(account.id()), q, cursor, o -> true, "/v1/webhook_endpoints");
    }

    private Endpoint find(String id, Account account) {
        Endpoint e = endpoints.get(id);
        if (e == null || !e.account.equals(account.id())) {
            throw ApiError.missing("webhook_endpoint", id, null);
        }
        return e;
    }

    private Listing listing(String account) {
        return listings.computeIfAbsent(account, k -> new Listing(Listing.Order.NEWEST_FIRST));
    }

    private static void checkUrl(String url) {
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("url_invalid", "Invalid URL: " + url + ". URLs must be http:// or https:// with a host.", "url");
        }
    }

    // ---- deliveries -------------------------------------------------------------------------

    /** {@code pending_webhooks} of a new event: how many endpoints it goes to. */
    int pending(String account, String type) {
        boolean platform = store.accounts().get(account).platform();
        int n = 0;
        for (Endpoint e : endpoints.values()) {
            if (e.wants(account, platform, type)) {
                n++;
            }
        }
        return n;
    }

    /** Queues the deliveries of a new event. */
    void deliver(StoredObject event) {
        if (closed) {
            return;
        }
        boolean platform = store.accounts().get(event.account).platform();
        String type = event.facet(0);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (Endpoint e : endpoints.values()) {
            if (e.wants(event.account, platform, type)) {
                schedule(e, event, 1, random.nextLong(2_000));
                if (random.nextDouble() < DUPLICATE_RATE) {
                    schedule(e, event, 1, random.nextLong(3_000));
                }
            }
        }
    }

    List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    private void schedule(Endpoint e, StoredObject event, int attempt, long delayMillis) {
        if (closed) {
            return;
        }
        timer.schedule(() -> senders.execute(() -> attempt(e, event, attempt)), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void attempt(Endpoint e, StoredObject event, int attempt) {
        if (closed || e.stored.deleted()) {
            return;
        }
        int status;
        String body = e.node.path("livemode").asBoolean() ? LiveRendering.of(event.bytes().string()) : event.bytes().string();
        try {
            String signature = Webhook.Signature.generateSignatureHeader(body, e.secret, Webhook.Util.getTimeNow());
            HttpRequest request = HttpRequest.newBuilder(URI.create(e.node.path("url").asText()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Stripe-Signature", signature)
                    .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception ex) {
            status = -1;
        }
        synchronized (deliveries) {
            deliveries.add(new Delivery(event.id, e.id, attempt, status, Instant.now()));
        }
        if (status / 100 != 2 && attempt < MAX_ATTEMPTS) {
            long backoff = Math.min(32_000L, 1_000L << (attempt - 1));
            log.debug("Webhook {} to {} got {}; retrying in {} ms", event.id, e.id, status, backoff);
            schedule(e, event, attempt + 1, backoff);
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        senders.shutdownNow();
        http.close();
    }
}
