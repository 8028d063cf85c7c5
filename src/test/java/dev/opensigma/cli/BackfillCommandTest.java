package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code ./opensigma backfill} against the simulator, as a user runs it. */
class BackfillCommandTest {

    @AfterEach
    void restoreEnvironment() {
        StripeApiOptions.environment = System::getenv;
    }

    @Test
    void aCompletedBackfillSaysWhatItsReplayLeftToFetchAgain() {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(3).withConnectedAccounts(0))) {
            StripeApiOptions.environment = () -> Map.of("STRIPE_API_BASE", stripe.simulator().baseUrl(),
                    "STRIPE_API_KEY", SimulatedStripe.KEY);
            String schema = Cli.freshSchema("backfill_cli");

            // Sessions only: the replayed events of Checkout Sessions ask for their line items, which
            // this backfill does not list.
            Cli.Result result = Cli.onSchema(schema, "backfill", "--types", "checkout_sessions");

            assertThat(result.exit()).as(result.toString()).isZero();
            try (Database db = Cli.admin(schema)) {
                long waiting = TestDatabase.count(db, "select count(*) from refetches");
                assertThat(waiting).isPositive();
                assertThat(result.out()).contains("Backfill run 1 completed")
                        .contains(String.format("%,d object(s) or list(s) that the replayed events carry only in part"
                                + " wait to be fetched again", waiting))
                        .contains("./opensigma sync --once");
            }
        }
    }
}
