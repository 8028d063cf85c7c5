package dev.opensigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.support.RunningServer;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** What {@code serve} adds with STRIPE_API_KEY: a first backfill and the poller, side by side. */
class ApiSyncTest {

    @Test
    void aFirstBackfillRunsOnceAndThePollerKeepsUp() throws Exception {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(21).withConnectedAccounts(0));
             Database db = TestDatabase.fresh(); Applier applier = SimulatedStripe.applier(db)) {
            ApiSync.Settings settings = new ApiSync.Settings(List.of(""), Duration.ofSeconds(1), true, 8);
            try (ApiSync sync = ApiSync.start(db.dataSource(), applier, stripe.api(), settings)) {
                waitFor(() -> TestDatabase.count(db, "select count(*) from backfill_runs where status = 'completed'") == 1);
                waitFor(() -> TestDatabase.count(db, "select count(*) from event_cursors") == 1);
                stripe.simulator().generateActivity(10);
                // Objects made after the backfill are known through events (polled); those no event
                // announces (balance transactions) wait for the next backfill.
                java.util.Set<String> announced = stripe.idsInEvents();
                waitFor(() -> stripe.differencesAmong(db, announced).isEmpty());
            }
            assertThat(stripe.differences(db)).allSatisfy(d -> assertThat(d).contains("type=balance_transaction"));
            // A second start finds the completed backfill and does not run another.
            try (ApiSync again = ApiSync.start(db.dataSource(), applier, stripe.api(), settings)) {
                assertThat(again.health().get("first_backfill")).isEqualTo("completed before: run 1");
                Thread.sleep(1500);
            }
            assertThat(TestDatabase.count(db, "select count(*) from backfill_runs")).isEqualTo(1);
        }
    }

    @Test
    void aBackfillOfSomeTypesDoesNotStandForTheFirstBackfill() throws Exception {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(23).withConnectedAccounts(0));
             Database db = TestDatabase.fresh(); Applier applier = SimulatedStripe.applier(db)) {
            // Trying it out on customers first, as 'backfill --types customers' does.
            dev.opensigma.backfill.Backfill.Result tried = new dev.opensigma.backfill.Backfill(stripe.api(), applier,
                    db.dataSource()).run(new dev.opensigma.backfill.BackfillRequest(List.of("customers"), null, null, false, 4));
            assertThat(tried.completed()).isTrue();
            String listedCharges = "select count(*) from object_versions where object_type = 'charge' and source = 'backfill'";
            assertThat(TestDatabase.count(db, listedCharges)).as("charges are known from events only").isZero();

            ApiSync.Settings settings = new ApiSync.Settings(List.of(""), Duration.ofSeconds(1), true, 8);
            try (ApiSync sync = ApiSync.start(db.dataSource(), applier, stripe.api(), settings)) {
                assertThat(sync.health().get("first_backfill")).isEqualTo("running");
                waitFor(() -> String.valueOf(sync.health().get("first_backfill")).startsWith("completed"));
                assertThat(sync.health().get("first_backfill")).isEqualTo("completed: run 2");
            }
            assertThat(TestDatabase.count(db, listedCharges)).isPositive();
        }
    }

    @Test
    void healthAndMetricsShowHowThePollingGoesAndAStripeOutageLeavesHealthOk() throws Exception {
        SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(22).withConnectedAccounts(0));
        try (Database db = TestDatabase.fresh(); RunningServer server = RunningServer.start(db)) {
            ApiSync.Settings settings = new ApiSync.Settings(List.of(""), Duration.ofMillis(500), true, 8);
            try (ApiSync sync = ApiSync.start(db.dataSource(), server.server().applier(),
                    stripe.api(SimulatedStripe.KEY, 100, 100, 1), settings)) {
                server.server().follow(sync);
                waitFor(() -> health(server).path("stripe_api").path("first_backfill").asText().startsWith("completed"));
                waitFor(() -> health(server).path("stripe_api").path("polling").path("passes").asLong() >= 2);

                JsonNode api = health(server).path("stripe_api");
                assertThat(api.path("polling").path("failed_passes").asLong()).isZero();
                assertThat(Instant.parse(api.path("polling").path("last_pass_at").asText()))
                        .isAfter(Instant.now().minusSeconds(60));
                assertThat(api.path("feed_read_up_to").asText()).isNotEmpty();
                assertThat(api.path("refetches_waiting").isIntegralNumber()).isTrue();
                assertThat(server.get("/metrics").body())
                        .containsPattern("opensigma_poll_passes_total\\{outcome=\"ok\"\\} [1-9]")
                        .contains("opensigma_poll_last_success_timestamp_seconds ")
                        .contains("opensigma_refetches_waiting ");

                // Stripe gone: the polls fail and say why; events can still be stored, so health stays ok.
                stripe.close();
                waitFor(() -> health(server).path("stripe_api").path("polling").path("failed_passes").asLong() >= 1);
                HttpResponse<String> answer = server.get("/health");
                assertThat(answer.statusCode()).isEqualTo(200);
                JsonNode outage = SimulatedStripe.json(answer.body());
                assertThat(outage.path("status").asText()).isEqualTo("ok");
                assertThat(outage.path("stripe_api").path("polling").path("last_failure").asText()).contains("Could not reach Stripe");
                assertThat(server.get("/metrics").body())
                        .containsPattern("opensigma_poll_passes_total\\{outcome=\"failed\"\\} [1-9]");
            }
        } finally {
            stripe.close();
        }
    }

    private static JsonNode health(RunningServer server) {
        try {
            return SimulatedStripe.json(server.get("/health").body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 90 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
