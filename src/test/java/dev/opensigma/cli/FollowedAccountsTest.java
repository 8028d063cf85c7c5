package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code sync} and {@code serve} following connected accounts named with {@code --account}. */
class FollowedAccountsTest {

    @AfterEach
    void restoreEnvironment() {
        StripeApiOptions.environment = System::getenv;
    }

    @Test
    void syncReadsTheFeedOfEachConnectedAccountItIsToldToFollow() {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(31).withConnectedAccounts(2))) {
            List<String> connected = stripe.simulator().connectedAccountIds();
            String followed = connected.getFirst();
            String other = connected.get(1);
            StripeApiOptions.environment = () -> Map.of("STRIPE_API_BASE", stripe.simulator().baseUrl(),
                    "STRIPE_API_KEY", SimulatedStripe.KEY);
            String schema = Cli.freshSchema("followed");

            Cli.Result result = Cli.onSchema(schema, "sync", "--once", "--account", followed);

            assertThat(result.exit()).as(result.toString()).isZero();
            try (Database db = Cli.admin(schema)) {
                assertThat(TestDatabase.rows(db, "select account from event_cursors order by account"))
                        .containsExactly(List.of(""), List.of(followed));
                long ofFollowed = TestDatabase.count(db, "select count(*) from events where account = ?", followed);
                assertThat(ofFollowed).as("events of the followed account").isPositive();
                assertThat(TestDatabase.count(db, "select count(*) from events where account = ?", other)).isZero();
                // What those events carry is stored against the connected account.
                assertThat(TestDatabase.count(db, "select count(*) from objects where account = ?", followed)).isPositive();
                assertThat(TestDatabase.count(db, "select count(*) from objects where account = ?", other)).isZero();
            }
        }
    }

    @Test
    void anAccountThatIsNotAnAccountIdIsRefusedWithWhatToGive() {
        Cli.Result sync = Cli.onSchema(Cli.freshSchema("followed"), "sync", "--once", "--account", "cus_123");
        assertThat(sync.exit()).isEqualTo(2);
        assertThat(sync.err()).contains("--account takes a connected account id (acct_...), not 'cus_123'");

        // serve follows accounts through the API only.
        StripeApiOptions.environment = Map::of;
        Cli.Result serve = Cli.onSchema(Cli.freshSchema("followed"), "serve", "--port", "0", "--account", "acct_1abc");
        assertThat(serve.exit()).isEqualTo(2);
        assertThat(serve.err()).contains("set STRIPE_API_KEY").contains("webhooks setup --connect");
    }
}
