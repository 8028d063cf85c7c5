package dev.opensigma.apply;

import static dev.opensigma.support.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the apply path stores, scenario by scenario, on a real PostgreSQL. */
class ApplyPathTest {

    private Database db;
    private Applying applying;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.fresh();
        applying = new Applying(db, 2, 100);
    }

    @AfterEach
    void close() {
        applying.close();
        db.close();
    }

    static String sub(String status) {
        return "{\"id\":\"sub_1\",\"object\":\"subscription\",\"status\":\"" + status + "\",\"customer\":\"cus_1\"}";
    }

    private List<List<String>> history(String id) {
        return TestDatabase.rows(db, "select version::text, event_id, data->>'status', deleted::text from history"
                + " where id = ? order by version", id);
    }

    @Test
    void aLateEventIsFiledInItsPlaceAndDoesNotOverwriteNewerState() throws Exception {
        applying.apply(event("evt_1", "customer.subscription.created", 100, sub("trialing"), null));
        applying.apply(event("evt_3", "customer.subscription.updated", 300, sub("past_due"), "{\"status\":\"active\"}"));
        applying.apply(event("evt_2", "customer.subscription.updated", 200, sub("active"), "{\"status\":\"trialing\"}"));

        assertThat(TestDatabase.rows(db, "select data->>'status', event_id from subscriptions where id = 'sub_1'"))
                .containsExactly(List.of("past_due", "evt_3"));
        assertThat(history("sub_1")).containsExactly(
                List.of("1", "evt_1", "trialing", "false"),
                List.of("2", "evt_2", "active", "false"),
                List.of("3", "evt_3", "past_due", "false"));
        assertThat(TestDatabase.rows(db, "select valid_to from history where event_id = 'evt_2'"))
                .containsExactly(List.of(TestDatabase.rows(db, "select to_timestamp(300)::text").getFirst().getFirst()));
    }

    @Test
    void sameSecondEventsKeepTheNewerStateWhateverTheArrivalOrder() throws Exception {
        String inv = "{\"id\":\"in_1\",\"object\":\"invoice\",\"status\":\"%s\"}";
        applying.apply(event("evt_a", "invoice.paid", 500, inv.formatted("paid"), null));
        applying.apply(event("evt_b", "invoice.finalized", 500, inv.formatted("open"), null));
        applying.apply(event("evt_c", "invoice.created", 500, inv.formatted("draft"), null));

        assertThat(TestDatabase.rows(db, "select data->>'status' from invoices where id = 'in_1'"))
                .containsExactly(List.of("paid"));
        assertThat(history("in_1")).extracting(row -> row.get(2)).containsExactly("draft", "open", "paid");
    }

    @Test
    void replayingAnyEventChangesNothing() throws Exception {
        String e1 = event("evt_r1", "customer.created", 10, "{\"id\":\"cus_r\",\"object\":\"customer\",\"email\":\"a\"}", null);
        String e2 = event("evt_r2", "customer.updated", 20, "{\"id\":\"cus_r\",\"object\":\"customer\",\"email\":\"b\"}",
                "{\"email\":\"a\"}");
        assertThat(applying.apply(List.of(e1, e2))).containsExactly(Outcome.APPLIED, Outcome.APPLIED);
        String before = TestDatabase.rows(db, "select md5(string_agg(v::text, '|' order by version_id)) from object_versions v")
                .toString();

        assertThat(applying.apply(List.of(e2, e1, e2, e1))).containsOnly(Outcome.DUPLICATE);
        assertThat(TestDatabase.rows(db, "select md5(string_agg(v::text, '|' order by version_id)) from object_versions v")
                .toString()).isEqualTo(before);
        assertThat(TestDatabase.count(db, "select count(*) from events")).isEqualTo(2);
    }

    @Test
    void deletionMarksTheObjectDeletedAndKeepsItsLastState() throws Exception {
        String product = "{\"id\":\"prod_1\",\"object\":\"product\",\"name\":\"%s\"}";
        applying.apply(event("evt_p1", "product.created", 10, product.formatted("A"), null));
        applying.apply(event("evt_p2", "product.deleted", 20, product.formatted("A"), null));
        applying.apply(event("evt_p0", "product.updated", 15, product.formatted("A"), "{\"name\":\"Z\"}"));

        assertThat(TestDatabase.rows(db, "select deleted::text, data->>'name', event_id from products where id = 'prod_1'"))
                .containsExactly(List.of("true", "A", "evt_p2"));
        assertThat(history("prod_1")).extracting(row -> row.get(1) + ":" + row.get(3))
                .containsExactly("evt_p1:false", "evt_p0:false", "evt_p2:true");
    }

    @Test
    void aSubscriptionDeletedEventIsAStatusChangeNotADeletion() throws Exception {
        applying.apply(event("evt_s1", "customer.subscription.created", 10, sub("active"), null));
        applying.apply(event("evt_s2", "customer.subscription.deleted", 20, sub("canceled"), null));
        assertThat(TestDatabase.rows(db, "select deleted::text, data->>'status' from subscriptions where id = 'sub_1'"))
                .containsExactly(List.of("false", "canceled"));
    }

    @Test
    void sameIdDifferentTypesAreDifferentObjects() throws Exception {
        applying.apply(event("evt_plan", "plan.created", 10, "{\"id\":\"price_x\",\"object\":\"plan\",\"amount\":1}", null));
        applying.apply(event("evt_price", "price.created", 10, "{\"id\":\"price_x\",\"object\":\"price\",\"unit_amount\":1}", null));
        assertThat(TestDatabase.count(db, "select count(*) from plans where id = 'price_x'")).isEqualTo(1);
        assertThat(TestDatabase.count(db, "select count(*) from prices where id = 'price_x'")).isEqualTo(1);
    }

    @Test
    void aSnapshotIsAVersionObservedAtItsFetchTime() throws Exception {
        applying.apply(event("evt_c1", "customer.created", 1000, "{\"id\":\"cus_s\",\"object\":\"customer\",\"email\":\"a\"}", null));
        // Fetched later than the event: it is the newer state.
        applying.apply(Observation.snapshot(Json.MAPPER.readTree("{\"id\":\"cus_s\",\"object\":\"customer\",\"email\":\"b\"}"),
                Instant.ofEpochSecond(2000, 500_000_000), null, "2099-01-01.snapshot"));
        assertThat(TestDatabase.rows(db, "select data->>'email' from customers where id = 'cus_s'")).containsExactly(List.of("b"));
        // An event that happened between the two arrives late: filed in between, current unchanged.
        applying.apply(event("evt_c2", "customer.updated", 1500, "{\"id\":\"cus_s\",\"object\":\"customer\",\"email\":\"m\"}",
                "{\"email\":\"a\"}"));
        assertThat(TestDatabase.rows(db, "select data->>'email' from customers where id = 'cus_s'")).containsExactly(List.of("b"));
        assertThat(TestDatabase.rows(db, "select data->>'email', source from history where id = 'cus_s' order by version"))
                .containsExactly(List.of("a", "import"), List.of("m", "import"), List.of("b", "backfill"));
        // Each version records the API version it is rendered in: the event's, or the one the snapshot was fetched with.
        String eventVersion = TestDatabase.rows(db, "select api_version from events where id = 'evt_c1'").get(0).get(0);
        assertThat(eventVersion).isNotBlank();
        assertThat(TestDatabase.rows(db, "select api_version from history where id = 'cus_s' order by version"))
                .containsExactly(List.of(eventVersion), List.of(eventVersion), List.of("2099-01-01.snapshot"));
        // A change after the fetch wins.
        applying.apply(event("evt_c3", "customer.updated", 2001, "{\"id\":\"cus_s\",\"object\":\"customer\",\"email\":\"z\"}",
                "{\"email\":\"b\"}"));
        assertThat(TestDatabase.rows(db, "select data->>'email' from customers where id = 'cus_s'")).containsExactly(List.of("z"));
    }

    @Test
    void oneBadEventDoesNotSinkTheRestOfItsBatch() throws Exception {
        // PostgreSQL's jsonb refuses \u0000; the other events of the batch must still commit.
        String bad = event("evt_nul", "customer.created", 10, "{\"id\":\"cus_nul\",\"object\":\"customer\",\"name\":\"a\\u0000b\"}", null);
        String good = event("evt_ok", "customer.created", 10, "{\"id\":\"cus_ok\",\"object\":\"customer\"}", null);
        var applier = new Applier(db.dataSource(), 1, 100, 100, outcomes -> { }).start(List.of());
        try {
            var f1 = applier.submit(Observation.of(dev.opensigma.stripe.StripeEvent.parse(bad), Source.IMPORT), 1000);
            var f2 = applier.submit(Observation.of(dev.opensigma.stripe.StripeEvent.parse(good), Source.IMPORT), 1000);
            assertThat(f2.get()).isEqualTo(Outcome.APPLIED);
            assertThat(f1).failsWithin(java.time.Duration.ofSeconds(30));
        } finally {
            applier.close();
        }
        assertThat(TestDatabase.count(db, "select count(*) from events where id = 'evt_ok'")).isEqualTo(1);
        assertThat(TestDatabase.count(db, "select count(*) from events where id = 'evt_nul'")).isZero();
    }
}
