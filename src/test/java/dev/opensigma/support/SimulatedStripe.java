package dev.opensigma.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.sim.SimObject;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.sim.StripeSimulator;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.api.ApiKey;
import dev.opensigma.stripe.api.ApiSettings;
import dev.opensigma.stripe.api.StripeApi;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated Stripe account over real HTTP, an OpenSigma database, and the comparisons tests make
 * between what the simulator holds and what OpenSigma stored.
 */
public final class SimulatedStripe implements AutoCloseable {

    public static final String KEY = "sk_test_opensigmaTests123";

    private final StripeSimulator simulator;

    public SimulatedStripe(SimulatorSettings settings) {
        this.simulator = StripeSimulator.start(settings);
    }

    public StripeSimulator simulator() {
        return simulator;
    }

    /** A client with no budget to speak of (the fast simulator has no limits) unless given one. */
    public StripeApi api() {
        return api(KEY, 10_000, 10_000, 10);
    }

    public StripeApi api(String key, double global, double endpoint, int maxAttempts) {
        return new StripeApi(ApiSettings.defaults(URI.create(simulator.baseUrl()), ApiKey.of(key))
                .withBudget(global, endpoint).withMaxAttempts(maxAttempts));
    }

    public static Applier applier(Database db) throws Exception {
        return new Applier(db.dataSource(), 2, 500, 10_000, outcomes -> { }).start(ObjectTypes.WELL_KNOWN);
    }

    /** Object key: account, type and id. */
    public record Key(String account, String type, String id) {
    }

    /** The current state OpenSigma holds of every object, by key ({@code data} as JSON, deleted flag). */
    public static Map<Key, Stored> stored(Database db) {
        Map<Key, Stored> stored = new HashMap<>();
        for (List<String> row : TestDatabase.rows(db, "select coalesce(account, ''), object_type, id, deleted, data::text from objects")) {
            stored.put(new Key(row.get(0), row.get(1), row.get(2)), new Stored(json(row.get(4)), "t".equals(row.get(3))));
        }
        return stored;
    }

    public record Stored(JsonNode data, boolean deleted) {
    }

    /** The simulator's objects, keyed like {@link #stored}: the platform's account is "". */
    public Map<Key, SimObject> truth() {
        Map<Key, SimObject> truth = new HashMap<>();
        for (SimObject o : simulator.objects()) {
            String account = o.account() == null || o.account().equals(simulator.platformAccountId()) ? "" : o.account();
            truth.put(new Key(account, o.type(), o.id()), o);
        }
        return truth;
    }

    /**
     * Differences between the simulator's objects and OpenSigma's copy: a live object missing or
     * with different JSON, or a deleted one still live here.
     */
    public List<String> differences(Database db) {
        Map<Key, Stored> stored = stored(db);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Key, SimObject> e : truth().entrySet()) {
            SimObject o = e.getValue();
            Stored s = stored.get(e.getKey());
            if (o.deleted()) {
                // The simulator files a detached payment method as deleted, so that it leaves its
                // customer's list; at Stripe it lives on with customer null, as OpenSigma keeps it.
                if (s != null && !s.deleted() && !o.type().equals("payment_method")) {
                    problems.add("live but deleted at Stripe: " + e.getKey());
                }
                continue;
            }
            if (s == null) {
                problems.add("missing " + e.getKey());
            } else if (s.deleted()) {
                problems.add("marked deleted but live: " + e.getKey());
            } else if (!s.data().equals(NUMBERS_BY_VALUE, json(o.json()))) {
                problems.add("different " + e.getKey() + "\n  stored:    " + s.data() + "\n  simulator: " + o.json());
            }
        }
        return problems;
    }

    /** Ids of every object the platform's retained events carry (what webhooks and polling can know of). */
    public java.util.Set<String> idsInEvents() throws Exception {
        return idsInEvents(type -> true);
    }

    /** Ids of the objects that the platform's retained events of the matching types carry. */
    public java.util.Set<String> idsInEvents(java.util.function.Predicate<String> eventType) throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        api().pageThrough("/v1/events", List.of(), null, page -> {
            for (JsonNode event : page.body().path("data")) {
                if (eventType.test(event.path("type").asText())) {
                    ids.add(event.path("data").path("object").path("id").asText());
                }
            }
            return true;
        });
        return ids;
    }

    /** {@link #differences} for the objects with these ids only. */
    public List<String> differencesAmong(Database db, java.util.Set<String> ids) {
        return differences(db).stream().filter(d -> ids.stream().anyMatch(id -> d.contains("id=" + id + "]"))).toList();
    }

    /** jsonb keeps numbers by value: 19.0 and 19 are the same number. */
    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    public static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        simulator.close();
    }
}
