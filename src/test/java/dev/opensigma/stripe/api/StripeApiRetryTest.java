package dev.opensigma.stripe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's answer to each kind of refusal, against a real HTTP server that plays back a
 * script of Stripe's answers: what it retries, what it gives up on at once, and that it obeys
 * {@code Stripe-Should-Retry} in both directions. (The simulator covers the same paths at scale
 * in BackfillFailuresTest; here each answer is exact.)
 */
class StripeApiRetryTest {

    private record Answer(int status, Map<String, String> headers, String body) {
        static Answer ok() {
            return new Answer(200, Map.of("Request-Id", "req_ok"), "{\"object\":\"balance\",\"available\":[]}");
        }

        static Answer error(int status, String code, Map<String, String> headers) {
            return new Answer(status, headers, "{\"error\":{\"type\":\"api_error\",\"code\":\"" + code
                    + "\",\"message\":\"scripted " + status + "\"}}");
        }
    }

    private final Deque<Answer> script = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private StripeApi api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        ApiSettings settings = ApiSettings.defaults(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                ApiKey.of("sk_test_retrytest0000")).withMaxAttempts(4);
        api = new StripeApi(settings);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Answer a = script.isEmpty() ? Answer.ok() : script.poll();
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void aServerErrorThatStripeSaysNotToRetryFailsAfterOneRequest() {
        script.add(Answer.error(503, "api_error", Map.of("Stripe-Should-Retry", "false", "Request-Id", "req_no")));

        assertThatThrownBy(() -> api.get("/v1/balance", List.of(), null))
                .isInstanceOf(StripeApiException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("req_no");
        assertThat(requests).hasValue(1);
    }

    @Test
    void aRateLimitStripeSaysNotToRetryIsNotRetriedEither() {
        script.add(Answer.error(429, "rate_limit", Map.of("Stripe-Should-Retry", "false",
                "Stripe-Rate-Limited-Reason", "global-rate")));

        assertThatThrownBy(() -> api.get("/v1/balance", List.of(), null))
                .isInstanceOf(StripeApiException.class)
                .hasMessageContaining("HTTP 429");
        assertThat(requests).hasValue(1);
        assertThat(api.counts().rateLimited()).isZero();
    }

    @Test
    void serverErrorsAreRetriedUntilStripeAnswers() throws Exception {
        script.add(Answer.error(500, "api_error", Map.of()));
        script.add(Answer.error(503, "api_error", Map.of("Stripe-Should-Retry", "true")));

        ApiResponse response = api.get("/v1/balance", List.of(), null);

        assertThat(response.body().path("object").asText()).isEqualTo("balance");
        assertThat(response.requestId()).isEqualTo("req_ok");
        assertThat(requests).hasValue(3);
        assertThat(api.counts().serverErrors()).isEqualTo(2);
    }

    @Test
    void serverErrorsStopAfterTheLastAttemptAndSaySo() {
        for (int i = 0; i < 4; i++) {
            script.add(Answer.error(502, "api_error", Map.of()));
        }

        assertThatThrownBy(() -> api.get("/v1/balance", List.of(), null))
                .isInstanceOf(StripeApiException.class)
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("after 4 attempts");
        assertThat(requests).hasValue(4);
    }

    @Test
    void rateLimitsAreWaitedOutWithoutSpendingAttempts() throws Exception {
        // More 429s than maxAttempts: rate limits are waited out (for minutes if need be), not counted as failures.
        for (int i = 0; i < 6; i++) {
            script.add(Answer.error(429, "rate_limit", Map.of("Stripe-Rate-Limited-Reason", "endpoint-rate")));
        }

        ApiResponse response = api.get("/v1/balance", List.of(), null);

        assertThat(response.body().path("object").asText()).isEqualTo("balance");
        assertThat(requests).hasValue(7);
        assertThat(api.counts().rateLimited()).isEqualTo(6);
    }

    @Test
    void aRefusedKeyFailsAtOnceNamingTheEndpointAndNotTheKey() {
        script.add(Answer.error(403, "secret_key_required", Map.of()));

        assertThatThrownBy(() -> api.get("/v1/charges", List.of(), null))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("GET /v1/charges")
                .hasMessageContaining("sk_test_****0000")
                .hasMessageNotContaining("retrytest");
        assertThat(requests).hasValue(1);
    }
}
