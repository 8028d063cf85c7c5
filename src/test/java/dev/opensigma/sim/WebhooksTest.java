package dev.opensigma.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Webhook endpoints and deliveries: signed, at least once, retried with backoff, redirects failing, Connect. */
class WebhooksTest {

    /** A local receiver; {@code answer} maps the n-th delivery of an event (1-based) to the status to answer. */
    static final class Receiver implements AutoCloseable {
        record Received(String eventId, String body, String signature) {
        }

        final HttpServer server;
        final List<Received> received = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

        Receiver(IntUnaryOperator answer) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hook", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String id = StripeHttp.parse(body).path("id").asText();
                received.add(new Received(id, body, exchange.getRequestHeaders().getFirst("Stripe-Signature")));
                int status = answer.applyAsInt(attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
                if (status == 302) {
                    exchange.getResponseHeaders().add("Location", "/elsewhere");
                }
                if (status / 100 == 2) {
                    acknowledged.add(id);
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static JsonNode createEndpoint(StripeHttp stripe, String url, String extra) {
        StripeHttp.Answer a = stripe.post("/v1/webhook_endpoints", "url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + "&enabled_events[]=*" + extra);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json();
    }

    /** Events of the account created while the endpoint existed (they say how many endpoints they go to). */
    private static Set<String> expected(StripeHttp stripe) {
        return stripe.all("/v1/events", null).stream().filter(e -> e.path("pending_webhooks").asInt() > 0)
                .map(e -> e.path("id").asText()).collect(Collectors.toSet());
    }

    @Test
    void everyEventIsDeliveredSignedAtLeastOnce() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(21));
             Receiver receiver = new Receiver(n -> 200)) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_webhooks1234");
            JsonNode endpoint = createEndpoint(stripe, receiver.url(), "&api_version=2026-07-29.dahlia&description=test");
            String secret = endpoint.path("secret").asText();
            assertThat(secret).startsWith("whsec_");
            assertThat(endpoint.path("id").asText()).startsWith("we_");
            assertThat(endpoint.path("status").asText()).isEqualTo("enabled");

            sim.generateActivity(40);
            Set<String> expected = expected(stripe);
            assertThat(expected).hasSizeGreaterThan(20);

            await(() -> receiver.acknowledged.containsAll(expected), Duration.ofSeconds(30),
                    () -> "delivered " + receiver.acknowledged.size() + " of " + expected.size());
            for (Receiver.Received r : receiver.received) {
                assertThat(verifies(r.body(), r.signature(), secret)).as("signature of %s", r.eventId()).isTrue();
                assertThat(verifies(r.body(), r.signature(), "whsec_someoneElse")).isFalse();
            }
            JsonNode anyEvent = StripeHttp.parse(receiver.received.getFirst().body());
            assertThat(stripe.get("/v1/events/" + anyEvent.path("id").asText()).json()).isEqualTo(anyEvent);
            assertThat(receiver.received).noneMatch(r -> StripeHttp.parse(r.body()).has("account")); // not a Connect endpoint
            assertThat(stripe.get("/v1/webhook_endpoints/" + endpoint.path("id").asText()).json().has("secret")).isFalse();
        }
    }

    @Test
    void aLiveKeyAndALiveEndpointSeeTheAccountInLiveMode() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(24));
             Receiver receiver = new Receiver(n -> 200)) {
            StripeHttp live = new StripeHttp(sim.baseUrl(), "sk_live_webhooks1234");
            StripeHttp test = new StripeHttp(sim.baseUrl(), "sk_test_webhooks1234");
            JsonNode endpoint = createEndpoint(live, receiver.url(), "");
            assertThat(endpoint.path("livemode").asBoolean()).isTrue();

            sim.generateActivity(5);
            Set<String> expected = expected(live);
            await(() -> receiver.acknowledged.containsAll(expected), Duration.ofSeconds(30),
                    () -> "delivered " + receiver.acknowledged.size() + " of " + expected.size());
            for (Receiver.Received r : receiver.received) {
                assertThat(r.body()).contains("\"livemode\":true").doesNotContain("\"livemode\":false");
                assertThat(verifies(r.body(), r.signature(), endpoint.path("secret").asText())).isTrue();
            }
            JsonNode anyEvent = StripeHttp.parse(receiver.received.getFirst().body());
            String path = "/v1/events/" + anyEvent.path("id").asText();
            assertThat(live.get(path).json()).isEqualTo(anyEvent);
            assertThat(live.get("/v1/customers?limit=5").body()).contains("\"livemode\":true").doesNotContain("\"livemode\":false");
            // The test key sees the same account in test mode.
            assertThat(test.get(path).json().path("livemode").asBoolean()).isFalse();
            assertThat(test.get(path).json().path("data").path("object").path("livemode").asBoolean(true)).isFalse();
        }
    }

    @Test
    void failedDeliveriesAreRetriedWithBackoffUntilTheyGetA2xx() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(22));
             Receiver receiver = new Receiver(n -> n <= 2 ? 500 : 200)) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_webhooks1234");
            createEndpoint(stripe, receiver.url(), "");

            sim.generateActivity(5);
            Set<String> expected = expected(stripe);

            await(() -> receiver.acknowledged.containsAll(expected), Duration.ofSeconds(40),
                    () -> "delivered " + receiver.acknowledged.size() + " of " + expected.size());
            List<WebhookDelivery> deliveries = sim.webhookDeliveries();
            for (String id : expected) {
                List<WebhookDelivery> ofEvent = deliveries.stream().filter(d -> d.eventId().equals(id)).toList();
                assertThat(ofEvent).as(id).anyMatch(d -> d.status() == 500);
                assertThat(ofEvent).as(id).anyMatch(d -> d.attempt() >= 2 && d.status() == 200 || d.attempt() >= 3);
            }
            // Exponential backoff: a retry comes at least about a second after the attempt it follows.
            WebhookDelivery first = deliveries.stream().filter(d -> d.attempt() == 1 && d.status() == 500).findFirst().orElseThrow();
            WebhookDelivery second = deliveries.stream().filter(d -> d.eventId().equals(first.eventId()) && d.attempt() == 2)
                    .findFirst().orElseThrow();
            assertThat(Duration.between(first.at(), second.at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void aRedirectIsAFailedDelivery() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(23));
             Receiver receiver = new Receiver(n -> n == 1 ? 302 : 200)) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_webhooks1234");
            createEndpoint(stripe, receiver.url(), "");

            sim.generateActivity(2);
            Set<String> expected = expected(stripe);

            await(() -> receiver.acknowledged.containsAll(expected), Duration.ofSeconds(30),
                    () -> "delivered " + receiver.acknowledged.size() + " of " + expected.size());
            assertThat(sim.webhookDeliveries()).anyMatch(d -> d.status() == 302);
            assertThat(receiver.received.stream().filter(r -> expected.contains(r.eventId())).count())
                    .isGreaterThanOrEqualTo(2L * expected.size());
        }
    }

    @Test
    void aConnectEndpointGetsTheConnectedAccountsEvents() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(24));
             Receiver receiver = new Receiver(n -> 200)) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_webhooks1234");
            createEndpoint(stripe, receiver.url(), "&connect=true");

            sim.generateActivity(60);
            Set<String> expected = new java.util.HashSet<>();
            for (String account : sim.connectedAccountIds()) {
                expected.addAll(expected(stripe.as(account)));
            }
            assertThat(expected).isNotEmpty();

            await(() -> receiver.acknowledged.containsAll(expected), Duration.ofSeconds(30),
                    () -> "delivered " + receiver.acknowledged.size() + " of " + expected.size());
            assertThat(receiver.received).allMatch(r -> sim.connectedAccountIds().contains(
                    StripeHttp.parse(r.body()).path("account").asText()));
            assertThat(expected(stripe)).isEmpty(); // platform events go to no endpoint
        }
    }

    @Test
    void endpointsCanBeListedUpdatedDisabledAndDeleted() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(25));
             Receiver receiver = new Receiver(n -> 200)) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_webhooks1234");
            String id = createEndpoint(stripe, receiver.url(), "&metadata[team]=billing").path("id").asText();

            StripeHttp.Answer listed = stripe.get("/v1/webhook_endpoints");
            StripeHttp.Answer updated = stripe.post("/v1/webhook_endpoints/" + id,
                    "enabled_events[]=invoice.paid&enabled_events[]=customer.created&disabled=true");
            sim.generateActivity(10);
            Thread.sleep(2_500);

            assertThat(listed.json().path("data")).hasSize(1);
            assertThat(listed.json().path("data").get(0).path("metadata").path("team").asText()).isEqualTo("billing");
            assertThat(updated.json().path("status").asText()).isEqualTo("disabled");
            assertThat(updated.json().path("enabled_events")).hasSize(2);
            assertThat(receiver.received).isEmpty(); // events created while disabled are never delivered

            StripeHttp.Answer deleted = stripe.delete("/v1/webhook_endpoints/" + id);
            assertThat(deleted.json()).isEqualTo(StripeHttp.parse("{\"id\":\"" + id + "\",\"object\":\"webhook_endpoint\",\"deleted\":true}"));
            assertThat(stripe.get("/v1/webhook_endpoints/" + id).status()).isEqualTo(404);
            assertThat(stripe.get("/v1/webhook_endpoints").json().path("data")).isEmpty();
            assertThat(stripe.post("/v1/webhook_endpoints", "url=http%3A%2F%2Fx.example").status()).isEqualTo(400);
        }
    }

    private static boolean verifies(String payload, String header, String secret) {
        try {
            return Webhook.Signature.verifyHeader(payload, header, secret, 300);
        } catch (SignatureVerificationException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier done, Duration limit, java.util.function.Supplier<String> progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + limit.toSeconds() + " s: " + progress.get());
            }
            Thread.sleep(50);
        }
    }
}
