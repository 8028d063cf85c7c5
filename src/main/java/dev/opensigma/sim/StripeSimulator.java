package dev.opensigma.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Stripe's API, faithful to Stripe's documented behaviour (lists, cursors,
 * filters, events with 30-day retention, webhooks, Connect, rate limits, errors), serving a
 * generated account with two years of history. For tests, benchmarks and the demo:
 * {@code try (var stripe = StripeSimulator.start(SimulatorSettings.fast())) { ... stripe.baseUrl() ... }}.
 */
public final class StripeSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StripeSimulator.class);

    private final SimulatorSettings settings;
    private final Store store;
    private final Webhooks webhooks;
    private final Activity activity;
    private final RequestLog requests;
    private final ApiServer server;
    private final Thread live;
    private final Duration generation;
    private final java.util.concurrent.atomic.AtomicLong skewSeconds;

    private StripeSimulator(SimulatorSettings settings, Store store, Webhooks webhooks, Activity activity,
                            RequestLog requests, ApiServer server, Duration generation,
                            java.util.concurrent.atomic.AtomicLong skewSeconds) {
        this.skewSeconds = skewSeconds;
        this.settings = settings;
        this.store = store;
        this.webhooks = webhooks;
        this.activity = activity;
        this.requests = requests;
        this.server = server;
        this.generation = generation;
        this.live = settings.liveEventsPerSecond() > 0
                ? Thread.ofPlatform().daemon(true).name("simulator-live-activity").start(this::liveActivity) : null;
    }

    /** Generates the account (deterministic by seed), then listens. */
    public static StripeSimulator start(SimulatorSettings settings) {
        long began = System.nanoTime();
        var skew = new java.util.concurrent.atomic.AtomicLong();
        Api.Clock clock = () -> Instant.now().getEpochSecond() + skew.get();
        RequestLog requests = new RequestLog();
        var api = new java.util.concurrent.atomic.AtomicReference<Api>();
        // The HTTP server starts while the account is generated: both take seconds on a cold JVM.
        var listening = java.util.concurrent.CompletableFuture.supplyAsync(() -> ApiServer.start(settings.host(),
                settings.port(), api::get, settings.latency(), settings.latencyJitter(), requests),
                r -> Thread.ofPlatform().name("simulator-http-start").start(r));
        History.Generated generated;
        try {
            generated = History.generate(settings.seed(), settings.scale(), settings.connectedAccounts(), clock.now());
        } catch (RuntimeException | Error e) {
            listening.thenAccept(ApiServer::close);
            throw e;
        }
        Store store = generated.store();
        World world = generated.world();
        Duration generation = Duration.ofNanos(System.nanoTime() - began);
        Account platform = store.accounts().platform();
        byte[] platformAccount = Api.json(Shapes.account(platform.id(), platform.created(), world.accountName(platform),
                "owner@opensigma-demo.example.com", "US", "usd", true));
        Webhooks webhooks = new Webhooks(store, clock);
        Activity activity = new Activity(store, world, webhooks, clock, settings.seed());
        ApiServer server;
        try {
            server = listening.join();
        } catch (java.util.concurrent.CompletionException e) {
            webhooks.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("The Stripe simulator could not listen on " + settings.host() + ":" + settings.port()
                    + " (" + cause.getMessage() + "). Choose another port (0 = any free port).", cause);
        }
        api.set(new Api(store, settings, webhooks, clock, platformAccount));
        StripeSimulator simulator = new StripeSimulator(settings, store, webhooks, activity, requests, server, generation,
                skew);
        log.debug("Stripe simulator: {} objects generated in {} ms, listening on {}", simulator.objectCount(),
                generation.toMillis(), simulator.baseUrl());
        return simulator;
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash; API paths are {@code /v1/...}. */
    public String baseUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port();
    }

    public int port() {
        return server.port();
    }

    public String platformAccountId() {
        return store.accounts().platform().id();
    }

    public List<String> connectedAccountIds() {
        return store.accounts().connected().stream().map(Account::id).toList();
    }

    /** How long generating the account took. */
    public Duration generationTime() {
        return generation;
    }

    /**
     * The truth, for completeness tests: every object held now, per account, children and deleted
     * objects included (a deleted object's json is its last full state). Connected accounts'
     * {@code account} objects belong to the platform. Not included: events, webhook endpoints, and
     * the platform's own account object ({@code GET /v1/account}).
     */
    public List<SimObject> objects() {
        List<StoredObject> all = new ArrayList<>();
        for (AccountData a : store.all()) {
            all.addAll(a.byId.values());
        }
        all.sort(Comparator.comparingLong(o -> o.seq));
        List<SimObject> out = new ArrayList<>(all.size());
        for (StoredObject o : all) {
            out.add(new SimObject(o.account, o.type, o.id, o.bytes().string(), o.deleted(), o.parentId));
        }
        return out;
    }

    /** Number of objects held (deleted ones included), without rendering them as {@link #objects()} does. */
    public long objectCount() {
        long n = 0;
        for (AccountData a : store.all()) {
            n += a.byId.size();
        }
        return n;
    }

    /**
     * Makes {@code count} changes now (creations, updates, status changes, deletions of customers,
     * products, prices and coupons), each recording its events and queueing webhook deliveries.
     */
    public void generateActivity(int count) {
        activity.generate(count);
    }

    /**
     * Makes {@code count} changes now whose events show in {@code /v1/events} only after
     * {@code delay}, behind newer ones: Stripe's list can show an event a little after events
     * created later, which is why a poller must now and then re-read an overlap. Their webhooks go
     * out at once.
     */
    public void generateActivityListedLate(int count, Duration delay) {
        activity.generate(count, Instant.now().plus(delay));
    }

    /** Every request served so far, in order (the oldest dropped beyond 2,000,000). */
    public List<ServedRequest> requests() {
        return requests.all();
    }

    /** Every webhook delivery attempt so far, in order. */
    public List<WebhookDelivery> webhookDeliveries() {
        return webhooks.deliveries().stream()
                .map(d -> new WebhookDelivery(d.eventId(), d.endpointId(), d.attempt(), d.status(), d.at())).toList();
    }

    /**
     * List path to the number of objects a complete crawl of it returns, summed over all accounts
     * (subscriptions of every status, prices active and archived): {@code "/v1/charges"},
     * {@code "/v1/invoices/:id/lines"} (all invoices' lines), {@code "/v1/events"} (inside retention).
     */
    public Map<String, Long> objectCountsByListPath() {
        Map<String, Long> counts = new TreeMap<>();
        long oldestEvent = Instant.now().getEpochSecond() + skewSeconds.get() - World.EVENT_RETENTION;
        for (AccountData a : store.all()) {
            for (Map.Entry<String, Listing> e : a.lists().entrySet()) {
                String key = e.getKey();
                int slash = key.lastIndexOf('/');
                String path;
                if (slash < 0) {
                    Resources.TopList top = Resources.topByType(key);
                    if (top == null) {
                        continue;
                    }
                    path = top.path();
                } else {
                    path = childPath(a, key.substring(0, slash), key.substring(slash + 1));
                    if (path == null) {
                        continue;
                    }
                }
                long n = 0;
                for (StoredObject o : e.getValue().all()) {
                    if (!o.deleted()) {
                        n++;
                    }
                }
                counts.merge(path, n, Long::sum);
            }
            long events = 0;
            for (StoredObject ev : a.events.all()) {
                if (ev.created >= oldestEvent) {
                    events++;
                }
            }
            counts.merge("/v1/events", events, Long::sum);
        }
        return counts;
    }

    private static String childPath(AccountData a, String parentId, String child) {
        StoredObject parent = a.byId.get(parentId);
        if (parent == null) {
            return null;
        }
        if ("items".equals(child)) {
            return "/v1/subscription_items";
        }
        for (Resources.NestedList n : Resources.NESTED) {
            if (n.parentType().equals(parent.type) && n.child().equals(child)) {
                return n.template();
            }
        }
        return null;
    }

    /** Moves the simulator's clock forward (tests of retention): events age, new changes happen later. */
    void skewClock(Duration forward) {
        skewSeconds.addAndGet(forward.toSeconds());
    }

    /** Changes paced so that about {@code liveEventsPerSecond} events are recorded per second (a change records one or more). */
    private void liveActivity() {
        double perSecond = settings.liveEventsPerSecond();
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            long wait = next - System.nanoTime();
            try {
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                int events = activity.generate(1);
                next += (long) (Math.max(1, events) * 1_000_000_000L / perSecond);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Live activity failed; continuing", e);
                next += (long) (1_000_000_000L / perSecond);
            }
        }
    }

    @Override
    public void close() {
        if (live != null) {
            live.interrupt();
        }
        server.close();
        webhooks.close();
    }
}
