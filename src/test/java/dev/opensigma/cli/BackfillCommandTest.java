package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code ./opensigma backfill} against the simulator, as a user runs it. */
class BackfillCommandTest {

    @AfterEach
    void restoreEnvironment() {
        StripeApiOptions.environment = System::getenv;
    }

    @Test
    void aCompletedBackfillFetchesAgainWhatItsReplayCarriesOnlyInPart() throws Exception {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(3).withConnectedAccounts(0))) {
            StripeApiOptions.environment = () -> Map.of("STRIPE_API_BASE", stripe.simulator().baseUrl(),
                    "STRIPE_API_KEY", SimulatedStripe.KEY);
            String schema = Cli.freshSchema("backfill_cli");

            // Sessions only: the replayed events of Checkout Sessions ask for their line items, which
            // this backfill does not list, so it fetches them after its replay.
            Cli.Result result = Cli.onSchema(schema, "backfill", "--types", "checkout_sessions");

            assertThat(result.exit()).as(result.toString()).isZero();
            assertThat(result.out()).contains("Fetching again").contains("Backfill run 1 completed");
            try (Database db = Cli.admin(schema)) {
                assertThat(TestDatabase.count(db, "select count(*) from refetches")).as("nothing left waiting").isZero();
                assertThat(TestDatabase.count(db, "select count(*) from checkout_session_line_items")).isPositive();
                assertThat(result.out()).containsPattern("Fetched again: [1-9][0-9,]*;");
                // The line items of the sessions that the replayed events carry, as Stripe has them.
                Set<String> sessions = stripe.idsInEvents(type -> type.startsWith("checkout.session."));
                Set<String> compared = new HashSet<>(sessions);
                stripe.truth().values().stream().filter(o -> o.type().equals("item") && sessions.contains(o.parentId()))
                        .forEach(o -> compared.add(o.id()));
                assertThat(compared.size()).isGreaterThan(sessions.size());
                assertThat(stripe.differencesAmong(db, compared)).isEmpty();
            }
        }
    }
}
