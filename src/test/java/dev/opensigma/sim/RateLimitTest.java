package dev.opensigma.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Stripe's rate limits (per endpoint and global, per mode), injected 429s and 500s, latency. */
class RateLimitTest {

    @Test
    void aBurstOverTheEndpointLimitGets429sAndNoSecondAdmitsMoreThanTheLimit() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withLimits(0, 0, 5))) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_rateLimits123");

            List<StripeHttp.Answer> answers = burst(40, () -> stripe.get("/v1/customers?limit=1"));

            List<StripeHttp.Answer> limited = answers.stream().filter(a -> a.status() == 429).toList();
            assertThat(limited).isNotEmpty();
            assertThat(answers).allMatch(a -> a.status() == 200 || a.status() == 429);
            for (StripeHttp.Answer a : limited) {
                assertThat(a.header("Stripe-Rate-Limited-Reason")).isEqualTo("endpoint-rate");
                assertThat(a.header("Stripe-Should-Retry")).isEqualTo("true");
                assertThat(a.json().path("error").path("code").asText()).isEqualTo("rate_limit");
                assertThat(a.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(a.json().path("error").path("message").asText()).startsWith("Request rate limit exceeded.");
            }
            assertAtMostPerSecond(sim.requests().stream().filter(r -> r.endpoint().equals("GET /v1/customers")).toList(), 5);
            // Another endpoint has its own budget.
            assertThat(stripe.get("/v1/charges?limit=1").status()).isEqualTo(200);
        }
    }

    @Test
    void theGlobalLimitDependsOnTheKeysMode() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withLimits(1000, 6, 0))) {
            StripeHttp test = new StripeHttp(sim.baseUrl(), "sk_test_rateLimits123");
            StripeHttp live = new StripeHttp(sim.baseUrl(), "sk_live_rateLimits123");
            String[] paths = {"/v1/customers", "/v1/charges", "/v1/invoices", "/v1/prices"};

            List<StripeHttp.Answer> testAnswers = burst(30, i -> test.get(paths[i % paths.length] + "?limit=1"));
            List<StripeHttp.Answer> liveAnswers = burst(30, i -> live.get(paths[i % paths.length] + "?limit=1"));

            assertThat(testAnswers).anyMatch(a -> a.status() == 429);
            assertThat(testAnswers).filteredOn(a -> a.status() == 429)
                    .allMatch(a -> "global-rate".equals(a.header("Stripe-Rate-Limited-Reason")));
            assertThat(liveAnswers).allMatch(a -> a.status() == 200);
            assertAtMostPerSecond(sim.requests().stream().filter(r -> r.apiKey().startsWith("sk_test_")).toList(), 6);
        }
    }

    @Test
    void injectedFailuresComeAtRoughlyTheConfiguredRates() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withErrorRate(0.2).withRateLimitRate(0.1))) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_rateLimits123");
            int errors = 0;
            int limited = 0;
            int n = 600;
            for (int i = 0; i < n; i++) {
                StripeHttp.Answer a = stripe.get("/v1/customers?limit=1");
                if (a.status() == 500) {
                    errors++;
                    assertThat(a.json().path("error").path("type").asText()).isEqualTo("api_error");
                } else if (a.status() == 429) {
                    limited++;
                    assertThat(a.header("Stripe-Should-Retry")).isEqualTo("true");
                } else {
                    assertThat(a.status()).isEqualTo(200);
                }
            }
            // 429s are drawn first (10%), 500s from the rest (20% of 90% = 18%).
            assertThat(limited).isBetween(n * 5 / 100, n * 16 / 100);
            assertThat(errors).isBetween(n * 11 / 100, n * 26 / 100);
        }
    }

    @Test
    void answersTakeTheConfiguredLatencyExceptRateLimitedOnes() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withLatency(Duration.ofMillis(150), 0)
                .withLimits(0, 0, 1))) {
            StripeHttp stripe = new StripeHttp(sim.baseUrl(), "sk_test_rateLimits123");

            long t0 = System.nanoTime();
            StripeHttp.Answer ok = stripe.get("/v1/customers?limit=1");
            long okMillis = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            StripeHttp.Answer limited = stripe.get("/v1/customers?limit=1");
            long limitedMillis = (System.nanoTime() - t1) / 1_000_000;

            assertThat(ok.status()).isEqualTo(200);
            assertThat(okMillis).isGreaterThanOrEqualTo(140);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limitedMillis).isLessThan(okMillis);
        }
    }

    /** In any one-second span, at most {@code limit} requests were answered 2xx. */
    private static void assertAtMostPerSecond(List<ServedRequest> requests, int limit) {
        List<ServedRequest> ok = requests.stream().filter(r -> r.status() / 100 == 2)
                .sorted(java.util.Comparator.comparing(ServedRequest::at)).toList();
        for (int i = 0; i < ok.size(); i++) {
            var end = ok.get(i).at().plusMillis(990);
            int j = i;
            while (j < ok.size() && ok.get(j).at().isBefore(end)) {
                j++;
            }
            assertThat(j - i).as("2xx answers in the second from %s", ok.get(i).at()).isLessThanOrEqualTo(limit);
        }
    }

    private interface Call {
        StripeHttp.Answer call(int i);
    }

    private static List<StripeHttp.Answer> burst(int n, java.util.function.Supplier<StripeHttp.Answer> call) throws Exception {
        return burst(n, i -> call.get());
    }

    private static List<StripeHttp.Answer> burst(int n, Call call) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<StripeHttp.Answer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> call.call(index)));
            }
            List<StripeHttp.Answer> answers = new ArrayList<>();
            for (Future<StripeHttp.Answer> f : futures) {
                answers.add(f.get());
            }
            return answers;
        }
    }
}
