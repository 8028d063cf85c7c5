package dev.opensigma.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opensigma.apply.Applier;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.api.AccessDeniedException;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Stripe can throw at a backfill: 429 storms, 5xx bursts, refused keys. */
class BackfillFailuresTest {

    private Database db;
    private Applier applier;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.fresh();
        applier = SimulatedStripe.applier(db);
    }

    @AfterEach
    void stop() {
        applier.close();
        db.close();
    }

    @Test
    void aStormOf429sAndBurstsOf5xxSlowTheRunDownButItCompletesWithNothingMissing() throws Exception {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(3)
                .withRateLimitRate(0.3).withErrorRate(0.1).withConnectedAccounts(0))) {
            Backfill.Result result = new Backfill(stripe.api(), applier, db.dataSource())
                    .run(new BackfillRequest(List.of(), null, null, false, 16));
            assertThat(result.errors()).isEmpty();
            assertThat(result.completed()).isTrue();
            long answered429 = stripe.simulator().requests().stream().filter(r -> r.status() == 429).count();
            long answered5xx = stripe.simulator().requests().stream().filter(r -> r.status() >= 500).count();
            assertThat(answered429).as("429s answered").isPositive();
            assertThat(answered5xx).as("5xx answered").isPositive();
            assertThat(stripe.differences(db)).isEmpty();
        }
    }

    @Test
    void aRejectedKeyStopsTheRunAndSaysWhatToCheck() throws Exception {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withApiKeys(Set.of(SimulatedStripe.KEY)))) {
            Backfill backfill = new Backfill(stripe.api("sk_test_revokedKey9999", 10_000, 10_000, 3), applier, db.dataSource());
            assertThatThrownBy(() -> backfill.run(new BackfillRequest(List.of(), null, null, false, 4)))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("401").hasMessageContaining("sk_test_****9999")
                    .hasMessageContaining("STRIPE_API_KEY").hasMessageNotContaining("revokedKey");
        }
    }

    @Test
    void aRestrictedKeyWithoutAPermissionNamesTheTypeAndPermissionAndCopiesTheRest() throws Exception {
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withConnectedAccounts(0)
                .withDeniedToRestrictedKeys(Set.of("charges")))) {
            Backfill.Result result = new Backfill(stripe.api("rk_test_readOnly1234", 10_000, 10_000, 3), applier,
                    db.dataSource()).run(new BackfillRequest(List.of("charges", "customers"), null, null, false, 8));
            assertThat(result.completed()).isFalse();
            assertThat(result.errors()).singleElement().asString()
                    .contains("charges").contains("403").contains("rak_charge_read").contains("--types");
            assertThat(TestDatabase.rows(db, "select status, error like '%rak_charge_read%' from backfill_runs"))
                    .containsExactly(List.of("failed", "t"));
            assertThat(TestDatabase.count(db, "select count(*) from customers")).isPositive();
            assertThat(TestDatabase.count(db, "select count(*) from charges")).isZero();
        }
    }
}
