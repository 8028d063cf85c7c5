package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.StripeEvent;
import dev.opensigma.support.TestDatabase;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Versions of one object within one second, arriving in reverse order and in separate commits:
 * each commit must find the versions already stored for that second and re-sequence them.
 */
class SameSecondOrderTest {

    private static final long SECOND = 1_760_000_500L;

    private static Database db;
    private static Applier applier;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh();
        applier = new Applier(db.dataSource(), 2, 500, 100, outcomes -> { }).start(ObjectTypes.WELL_KNOWN);
    }

    @AfterAll
    static void stop() {
        applier.close();
        db.close();
    }

    private static String event(String id, String type, String name, String previous) {
        String object = """
                {"id":"cus_same_second","object":"customer","email":"s@example.com","metadata":{},"name":%s}"""
                .formatted(name == null ? "null" : "\"" + name + "\"");
        String data = previous == null ? "{\"object\":" + object + "}"
                : "{\"object\":" + object + ",\"previous_attributes\":{\"name\":" + previous + "}}";
        return """
                {"id":"%s","object":"event","created":%d,"data":%s,"livemode":false,"type":"%s"}"""
                .formatted(id, SECOND, data, type);
    }

    private static Outcome apply(String json) throws Exception {
        return applier.submit(Observation.of(StripeEvent.parse(json), Source.WEBHOOK), 1_000).get(10, TimeUnit.SECONDS);
    }

    private static String subscriptionUpdate(String id, int quantity, int previous) {
        String items = """
                {"object":"list","data":[{"id":"si_same_second","object":"subscription_item","quantity":%d,\
                "subscription":"sub_same_second"}],"has_more":false,"url":"/v1/subscription_items?subscription=sub_same_second"}""";
        String object = """
                {"id":"sub_same_second","object":"subscription","status":"active","metadata":{},"items":%s}"""
                .formatted(items.formatted(quantity));
        return """
                {"id":"%s","object":"event","created":%d,"data":{"object":%s,"previous_attributes":{"items":%s}},\
                "livemode":false,"type":"customer.subscription.updated"}""".formatted(id, SECOND, object, items.formatted(previous));
    }

    @Test
    void anEmbeddedChildFollowsItsParentsOrderWithinTheSecond() throws Exception {
        // Two updates of one item in one second. The item's own versions say nothing of their
        // order (previous_attributes describe the subscription), and the event ids order them
        // the wrong way round: the subscription's chain must decide for its item too.
        assertThat(apply(subscriptionUpdate("evt_ss_sub_a", 6, 5))).isEqualTo(Outcome.APPLIED);
        assertThat(apply(subscriptionUpdate("evt_ss_sub_b", 5, 4))).isEqualTo(Outcome.APPLIED);

        assertThat(TestDatabase.rows(db, "select quantity from subscription_items where id = 'si_same_second'"))
                .containsExactly(List.of("6"));
        assertThat(TestDatabase.rows(db, "select event_id from object_versions where id = 'si_same_second' order by second, seq"))
                .containsExactly(List.of("evt_ss_sub_b"), List.of("evt_ss_sub_a"));
    }

    @Test
    void lateArrivalsTakeTheirPlaceWithinTheSecond() throws Exception {
        assertThat(apply(event("evt_ss_3", "customer.updated", "Grace", "\"Ada\""))).isEqualTo(Outcome.APPLIED);
        assertThat(apply(event("evt_ss_2", "customer.updated", "Ada", "null"))).isEqualTo(Outcome.APPLIED);
        assertThat(apply(event("evt_ss_1", "customer.created", null, null))).isEqualTo(Outcome.APPLIED);

        assertThat(TestDatabase.rows(db, "select event_id, seq from object_versions where id = 'cus_same_second'"
                        + " order by second, seq"))
                .containsExactly(List.of("evt_ss_1", "0"), List.of("evt_ss_2", "1"), List.of("evt_ss_3", "2"));
        assertThat(TestDatabase.rows(db, "select data->>'name', event_id from customers where id = 'cus_same_second'"))
                .containsExactly(List.of("Grace", "evt_ss_3"));
    }
}
