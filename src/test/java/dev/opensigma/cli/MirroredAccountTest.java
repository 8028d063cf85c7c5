package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One schema mirrors one Stripe account in one mode: keys of another are refused before they fetch anything. */
class MirroredAccountTest {

    private static final String LIVE_KEY = "sk_live_opensigmaTests123";
    private static final String RESTRICTED_KEY = "rk_test_opensigmaTests123";

    @AfterEach
    void restoreEnvironment() {
        StripeApiOptions.environment = System::getenv;
    }

    @Test
    void theFirstKeyRecordsItsAccountAndModeAndKeysOfAnotherAreRefused() {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(3).withConnectedAccounts(0));
             SimulatedStripe other = new SimulatedStripe(SimulatorSettings.fast().withSeed(4).withConnectedAccounts(0))) {
            String account = stripe.simulator().platformAccountId();
            String otherAccount = other.simulator().platformAccountId();
            assertThat(otherAccount).isNotEqualTo(account);
            String schema = Cli.freshSchema("mirrored");

            use(stripe, SimulatedStripe.KEY);
            Cli.Result first = Cli.onSchema(schema, "backfill", "--types", "customers");
            assertThat(first.exit()).as(first.toString()).isZero();

            try (Database db = Cli.admin(schema)) {
                assertThat(TestDatabase.rows(db, "select account_id, livemode, recorded_by from mirrored_account"))
                        .containsExactly(List.of(account, "f", "backfill"));
                assertThat(Cli.onSchema(schema, "status").out())
                        .containsPattern(account + "\\s*\\|\\s*test\\s*\\|\\s*backfill");
                long events = TestDatabase.count(db, "select count(*) from events");
                long customers = TestDatabase.count(db, "select count(*) from customers");
                List<List<String>> cursors = TestDatabase.rows(db, "select * from event_cursors");

                // The same account's live-mode key: refused, with what to do instead.
                use(stripe, LIVE_KEY);
                Cli.Result live = Cli.onSchema(schema, "sync", "--once");
                assertThat(live.exit()).as(live.toString()).isEqualTo(2);
                assertThat(live.err()).contains("holds the test-mode data of " + account)
                        .contains("live-mode key (sk_live_****s123)").contains("--schema " + schema + "_live")
                        .doesNotContain(LIVE_KEY);

                // Another account's key, in any command that uses one.
                use(other, SimulatedStripe.KEY);
                for (Cli.Result refused : List.of(Cli.onSchema(schema, "backfill"), Cli.onSchema(schema, "sync", "--once"),
                        Cli.run("webhooks", "setup", "--url", "https://mirror.example.com/webhooks",
                                "--data-dir", TestDatabase.dataDir().toString(), "--schema", schema),
                        // Refused before it listens: were it to start, it would not return.
                        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.onSchema(schema, "serve", "--port", "0")))) {
                    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
                    assertThat(refused.err()).contains("holds the data of Stripe account " + account)
                            .contains("belongs to " + otherAccount);
                }

                assertThat(TestDatabase.count(db, "select count(*) from events")).as("nothing stored").isEqualTo(events);
                assertThat(TestDatabase.count(db, "select count(*) from customers")).isEqualTo(customers);
                assertThat(TestDatabase.rows(db, "select * from event_cursors")).isEqualTo(cursors);
                assertThat(other.simulator().requests()).as("only asked which account the key is")
                        .allMatch(r -> r.endpoint().equals("GET /v1/account"));

                // The right key still works.
                use(stripe, SimulatedStripe.KEY);
                assertThat(Cli.onSchema(schema, "sync", "--once").exit()).isZero();
            }
        }
    }

    @Test
    void aKeyThatMayNotReadItsAccountIsCheckedByModeAndALaterKeyNamesTheAccount() {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(3).withConnectedAccounts(0)
                .withDeniedToRestrictedKeys(Set.of("accounts")))) {
            String schema = Cli.freshSchema("mirrored");
            use(stripe, RESTRICTED_KEY);
            Cli.Result restricted = Cli.onSchema(schema, "backfill", "--types", "customers");
            assertThat(restricted.exit()).as(restricted.toString()).isZero();
            try (Database db = Cli.admin(schema)) {
                assertThat(TestDatabase.rows(db, "select account_id, livemode from mirrored_account"))
                        .containsExactly(java.util.Arrays.asList(null, "f"));

                use(stripe, LIVE_KEY);
                assertThat(Cli.onSchema(schema, "sync", "--once").exit()).as("the mode is still checked").isEqualTo(2);

                use(stripe, SimulatedStripe.KEY);
                assertThat(Cli.onSchema(schema, "sync", "--once").exit()).isZero();
                assertThat(TestDatabase.rows(db, "select account_id from mirrored_account"))
                        .containsExactly(List.of(stripe.simulator().platformAccountId()));
            }
        }
    }

    @Test
    void aSchemaFromBeforeTheRecordIsJudgedByItsNewestEvent() {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(3).withConnectedAccounts(0))) {
            String schema = Cli.freshSchema("mirrored");
            use(stripe, LIVE_KEY);
            assertThat(Cli.onSchema(schema, "sync", "--once").exit()).isZero();
            try (Database db = Cli.admin(schema)) {
                // As a schema upgraded from before V14 would be: live events, nothing recorded.
                TestDatabase.count(db, "with d as (delete from mirrored_account returning 1) select count(*) from d");
                TestDatabase.count(db, "with u as (update events set livemode = true returning 1) select count(*) from u");

                use(stripe, SimulatedStripe.KEY);
                Cli.Result test = Cli.onSchema(schema, "backfill", "--types", "customers");

                assertThat(test.exit()).as(test.toString()).isEqualTo(2);
                assertThat(test.err()).contains("holds live-mode events").contains("--schema " + schema + "_test");
                assertThat(TestDatabase.count(db, "select count(*) from mirrored_account")).isZero();
            }
        }
    }

    private static void use(SimulatedStripe stripe, String key) {
        StripeApiOptions.environment = () -> Map.of("STRIPE_API_BASE", stripe.simulator().baseUrl(), "STRIPE_API_KEY", key);
    }
}
