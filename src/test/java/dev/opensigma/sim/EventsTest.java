package dev.opensigma.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** /v1/events: shapes, filters, 30-day retention, and events that converge to the objects' current state. */
class EventsTest {

    private static final long DAY = 86_400;

    @Test
    void theNewestEventAboutEachObjectCarriesItsCurrentState() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(11))) {
            sim.generateActivity(300);
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_eventsTest123");
            Map<String, SimObject> truth = new HashMap<>();
            sim.objects().forEach(o -> truth.put(o.account() + " " + o.type() + " " + o.id(), o));

            int checked = 0;
            for (String account : accounts(sim)) {
                StripeHttp as = account.equals(sim.platformAccountId()) ? stripe : stripe.as(account);
                Map<String, JsonNode> newest = new LinkedHashMap<>();
                for (JsonNode event : as.all("/v1/events", null)) { // newest first
                    JsonNode object = event.path("data").path("object");
                    newest.putIfAbsent(object.path("object").asText() + " " + object.path("id").asText(), event);
                }
                for (Map.Entry<String, JsonNode> e : newest.entrySet()) {
                    SimObject now = truth.get(account + " " + e.getKey());
                    assertThat(now).as("object of %s", e.getValue().path("id").asText()).isNotNull();
                    assertThat(e.getValue().path("data").path("object")).as("newest event %s (%s) about %s",
                            e.getValue().path("id").asText(), e.getValue().path("type").asText(), e.getKey())
                            .isEqualTo(StripeHttp.parse(now.json()));
                    boolean deletion = e.getValue().path("type").asText().endsWith(".deleted")
                            && !e.getValue().path("type").asText().equals("customer.subscription.deleted");
                    if (deletion) {
                        assertThat(now.deleted()).as(e.getKey()).isTrue();
                    }
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(200);
        }
    }

    @Test
    void eventsHaveStripesShapeAndTypes() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(12))) {
            // Enough live changes that each kind happens (a coupon is created in about one change in 40).
            sim.generateActivity(300);
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_eventsTest123");
            List<JsonNode> events = stripe.all("/v1/events", null);

            Set<String> types = events.stream().map(e -> e.path("type").asText()).collect(Collectors.toSet());
            assertThat(types).contains("customer.created", "customer.updated", "customer.deleted",
                    "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
                    "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed",
                    "charge.succeeded", "charge.failed", "charge.refunded", "charge.dispute.created",
                    "payment_intent.created", "payment_intent.succeeded", "price.created", "price.updated", "price.deleted",
                    "product.created", "product.updated", "product.deleted", "coupon.created", "coupon.deleted",
                    "checkout.session.completed", "credit_note.created", "radar.early_fraud_warning.created", "payout.paid",
                    "transfer.reversed");
            JsonNode updated = events.stream().filter(e -> e.path("type").asText().equals("customer.updated")).findFirst().orElseThrow();
            assertThat(updated.path("data").path("previous_attributes").isObject()).isTrue();
            assertThat(updated.path("data").path("previous_attributes").isEmpty()).isFalse();
            JsonNode first = events.getFirst();
            assertThat(first.path("id").asText()).startsWith("evt_");
            assertThat(first.path("object").asText()).isEqualTo("event");
            assertThat(first.path("api_version").asText()).isEqualTo("2026-07-29.dahlia");
            assertThat(first.has("livemode")).isTrue();
            assertThat(first.has("pending_webhooks")).isTrue();
            assertThat(first.path("request").has("id")).isTrue();
            assertThat(events.stream().map(e -> e.path("created").asLong()).toList())
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());

            StripeHttp.Answer one = stripe.get("/v1/events/" + first.path("id").asText());
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.json()).isEqualTo(first);
        }
    }

    @Test
    void typeAndTypesFilterEvents() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(13))) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_eventsTest123");
            List<JsonNode> all = stripe.all("/v1/events", null);

            List<JsonNode> two = stripe.all("/v1/events", "types[]=invoice.paid&types[]=charge.succeeded");
            List<JsonNode> wildcard = stripe.all("/v1/events", "type=customer.subscription.*");
            List<JsonNode> exact = stripe.all("/v1/events", "type=invoice.paid");

            assertThat(two).isNotEmpty().hasSize((int) all.stream().filter(e -> Set.of("invoice.paid", "charge.succeeded")
                    .contains(e.path("type").asText())).count());
            assertThat(two.stream().map(e -> e.path("type").asText()).distinct()).containsExactlyInAnyOrder("invoice.paid",
                    "charge.succeeded");
            assertThat(wildcard).isNotEmpty().allMatch(e -> e.path("type").asText().startsWith("customer.subscription."));
            assertThat(wildcard).hasSize((int) all.stream().filter(e -> e.path("type").asText().startsWith("customer.subscription."))
                    .count());
            assertThat(exact).isNotEmpty().allMatch(e -> e.path("type").asText().equals("invoice.paid"));
            assertThat(stripe.get("/v1/events?type=a&types[]=b").status()).isEqualTo(400);
        }
    }

    @Test
    void eventsAreKeptThirtyDays() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(14))) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_eventsTest123");
            long now = Instant.now().getEpochSecond();
            List<JsonNode> events = stripe.all("/v1/events", null);
            List<JsonNode> charges = stripe.all("/v1/charges", null);

            assertThat(events).isNotEmpty().allMatch(e -> e.path("created").asLong() >= now - 30 * DAY - 5);
            assertThat(charges).anyMatch(c -> c.path("created").asLong() < now - 300 * DAY); // history older than its events
            assertThat(stripe.get("/v1/events/evt_1NotAnEventAtAll0000000").status()).isEqualTo(404);

            // Ten days later, the oldest ten days of events are gone, from the list and by id.
            List<JsonNode> expiring = events.stream().filter(e -> e.path("created").asLong() < now - 20 * DAY + 60).toList();
            assertThat(expiring).isNotEmpty();
            sim.skewClock(Duration.ofDays(10));

            List<JsonNode> later = stripe.all("/v1/events", null);
            assertThat(later).hasSize(events.size() - expiring.size());
            StripeHttp.Answer expired = stripe.get("/v1/events/" + expiring.getFirst().path("id").asText());
            assertThat(expired.status()).isEqualTo(404);
            assertThat(expired.json().path("error").path("code").asText()).isEqualTo("resource_missing");
            assertThat(sim.objectCountsByListPath().get("/v1/events")).isEqualTo(later.size()
                    + stripe.as(sim.connectedAccountIds().get(0)).all("/v1/events", null).size()
                    + stripe.as(sim.connectedAccountIds().get(1)).all("/v1/events", null).size());
        }
    }

    @Test
    void openCheckoutSessionsArePaidOrExpireOnceTheirTimeHasCome() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(16).withConnectedAccounts(0))) {
            sim.generateActivity(200); // live purchases leave sessions open: the customer pays minutes later
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_eventsTest123");
            List<JsonNode> open = stripe.all("/v1/checkout/sessions", "status=open");
            assertThat(open).hasSizeGreaterThan(5);
            long before = Instant.now().getEpochSecond();

            sim.skewClock(Duration.ofHours(25)); // every one of them is paid or expired by now
            sim.generateActivity(1);

            Map<String, String> outcomes = new HashMap<>();
            for (JsonNode event : stripe.all("/v1/events", "types[]=checkout.session.completed&types[]=checkout.session.expired")) {
                String id = event.path("data").path("object").path("id").asText();
                if (event.path("created").asLong() >= before + 25 * 3600) {
                    outcomes.put(id, event.path("type").asText());
                }
            }
            for (JsonNode session : open) {
                String id = session.path("id").asText();
                JsonNode now = stripe.get("/v1/checkout/sessions/" + id).json();
                assertThat(now.path("status").asText()).as(id).isIn("complete", "expired");
                assertThat(outcomes.get(id)).as("the event about %s, sent when it happened", id)
                        .isEqualTo("checkout.session." + (now.path("status").asText().equals("complete") ? "completed" : "expired"));
                if (now.path("status").asText().equals("complete")) {
                    String intent = now.path("payment_intent").asText();
                    assertThat(stripe.get("/v1/payment_intents/" + intent).json().path("status").asText()).isEqualTo("succeeded");
                }
            }
            assertThat(outcomes.values()).as("customers paid for most, some expired").contains("checkout.session.completed");
            assertThat(stripe.all("/v1/checkout/sessions", "status=open")).as("no session stays open past its 24 hours")
                    .allMatch(s -> s.path("created").asLong() > before);
        }
    }

    @Test
    void liveActivityRecordsAboutTheConfiguredEventsPerSecond() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(15).withLiveEventsPerSecond(40))) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_eventsTest123");
            long from = Instant.now().getEpochSecond() + 1;
            Thread.sleep(4_000);
            long to = Instant.now().getEpochSecond() - 1; // three whole seconds

            int events = 0;
            for (String account : accounts(sim)) {
                StripeHttp as = account.equals(sim.platformAccountId()) ? stripe : stripe.as(account);
                events += as.all("/v1/events", "created[gte]=" + from + "&created[lt]=" + to).size();
            }
            long seconds = to - from;
            assertThat(events).as("events in %d s", seconds).isBetween((int) (10 * seconds), (int) (80 * seconds));
        }
    }

    private static List<String> accounts(StripeSimulator sim) {
        List<String> all = new java.util.ArrayList<>();
        all.add(sim.platformAccountId());
        all.addAll(sim.connectedAccountIds());
        return all;
    }
}
