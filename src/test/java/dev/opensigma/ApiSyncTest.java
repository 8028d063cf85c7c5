package dev.opensigma;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.apply.Applier;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.time.Duration;
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
                Thread.sleep(1500);
            }
            assertThat(TestDatabase.count(db, "select count(*) from backfill_runs")).isEqualTo(1);
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
