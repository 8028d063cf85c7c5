package dev.opensigma.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.net.Webhook;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.RunningServer;
import dev.opensigma.support.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /webhooks and /direct over real HTTP against the embedded PostgreSQL. */
class WebhookEndpointTest {

    private static Database db;
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh();
        server = RunningServer.start(db);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    static String event(String id, String type, String objectJson, long created) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,
                 "data":{"object":%s},"livemode":false,"pending_webhooks":1,"type":"%s"}"""
                .formatted(id, created, objectJson, type);
    }

    static String customer(String id, String email) {
        return """
                {"id":"%s","object":"customer","email":"%s","metadata":{},"created":1760000000}""".formatted(id, email);
    }

    private long events(String id) {
        return TestDatabase.count(db, "select count(*) from events where id = ?", id);
    }

    @Test
    void storesTheEventExactlyAsReceivedAndTheObjectState() throws Exception {
        // Whitespace and key order are part of "exactly as received".
        String body = "{ \"type\":\"customer.created\",  \"id\":\"evt_exact_1\",\"object\":\"event\",\"created\":1760000001,"
                + "\"data\":{\"object\":" + customer("cus_exact", "a@example.com") + "},\"livemode\":false,\"amount\":1.10}";
        HttpResponse<String> response = server.sendWebhook(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(response.body()).path("outcome").asText()).isEqualTo("applied");
        assertThat(TestDatabase.rows(db, "select raw, type, source, object_type, object_id, created = to_timestamp(1760000001) from events where id = 'evt_exact_1'"))
                .containsExactly(List.of(body, "customer.created", "webhook", "customer", "cus_exact", "t"));
        assertThat(TestDatabase.rows(db, "select data->>'email', deleted from customers where id = 'cus_exact'"))
                .containsExactly(List.of("a@example.com", "f"));
        assertThat(TestDatabase.rows(db, "select version, event_id from history where id = 'cus_exact'"))
                .containsExactly(List.of("1", "evt_exact_1"));
    }

    @Test
    void aDuplicateDeliveryAnswers200AndChangesNothing() throws Exception {
        String body = event("evt_dup_1", "customer.created", customer("cus_dup", "d@example.com"), 1760000002);
        assertThat(server.sendWebhook(body).statusCode()).isEqualTo(200);
        HttpResponse<String> again = server.sendWebhook(body);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(again.body()).path("outcome").asText()).isEqualTo("duplicate");
        assertThat(events("evt_dup_1")).isEqualTo(1);
        assertThat(TestDatabase.count(db, "select count(*) from history where id = 'cus_dup'")).isEqualTo(1);
    }

    @Test
    void bothTheRotatedSecretAndItsSuccessorAreAccepted() throws Exception {
        String old = event("evt_rot_old", "customer.created", customer("cus_rot1", "r@example.com"), 1760000003);
        String current = event("evt_rot_new", "customer.created", customer("cus_rot2", "r@example.com"), 1760000003);
        assertThat(server.sendWebhook(old, RunningServer.OLD_SECRET, Webhook.Util.getTimeNow()).statusCode()).isEqualTo(200);
        assertThat(server.sendWebhook(current, RunningServer.SECRET, Webhook.Util.getTimeNow()).statusCode()).isEqualTo(200);
        assertThat(events("evt_rot_old") + events("evt_rot_new")).isEqualTo(2);
    }

    @Test
    void aHeaderWithSignaturesFromBothSecretsIsAccepted() throws Exception {
        String body = event("evt_rot_both", "customer.created", customer("cus_rot3", "r@example.com"), 1760000003);
        long t = Webhook.Util.getTimeNow();
        String header = "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256("whsec_unknown", t + "." + body)
                + ",v1=" + Webhook.Util.computeHmacSha256(RunningServer.SECRET, t + "." + body);
        assertThat(server.post("/webhooks", body, "application/json", "Stripe-Signature", header).statusCode()).isEqualTo(200);
    }

    @Test
    void badInputGetsAClear4xxAndStoresNothing() throws Exception {
        String body = event("evt_bad_1", "customer.created", customer("cus_bad", "b@example.com"), 1760000004);
        long now = Webhook.Util.getTimeNow();

        assertRejected(server.sendWebhook(body, "whsec_wrong", now), 400, "bad_signature");
        assertRejected(server.sendWebhook(body, RunningServer.SECRET, now - 301), 400, "stale_timestamp");
        assertRejected(server.post("/webhooks", body, "application/json", null, null), 400, "missing_signature");
        assertRejected(server.post("/webhooks", body, "application/json", "Stripe-Signature", "garbage"), 400,
                "malformed_signature");
        String header = Webhook.Signature.generateSignatureHeader(body, RunningServer.SECRET, now);
        assertRejected(server.post("/webhooks", body, "text/plain", "Stripe-Signature", header), 415,
                "unsupported_content_type");
        assertRejected(server.post("/webhooks", body, null, "Stripe-Signature", header), 415, "unsupported_content_type");
        // A body that is tampered with after signing.
        assertRejected(server.post("/webhooks", body.replace("b@example", "x@example"), "application/json",
                "Stripe-Signature", header), 400, "bad_signature");

        assertThat(events("evt_bad_1")).isZero();
        assertThat(TestDatabase.count(db, "select count(*) from objects where id = 'cus_bad'")).isZero();
    }

    @Test
    void malformedJsonAndNonEventsAreRefusedEvenWhenSigned() throws Exception {
        assertRejected(server.sendWebhook("{\"id\": \"evt_broken\", "), 400, "invalid_event");
        assertRejected(server.sendWebhook("[1,2,3]"), 400, "invalid_event");
        // A valid event followed by more JSON is not one event (raw would not be valid JSON).
        assertRejected(server.sendWebhook(event("evt_trail", "customer.created", customer("cus_trail", "t@example.com"),
                1760000001) + " {}"), 400, "invalid_event");
        assertRejected(server.sendWebhook("{\"id\":\"evt_nt\",\"object\":\"charge\",\"type\":\"x\",\"created\":1}"), 400,
                "invalid_event");
        assertRejected(server.sendWebhook("{\"id\":\"evt_nc\",\"object\":\"event\",\"type\":\"x.y\"}"), 400, "invalid_event");
        assertThat(events("evt_broken") + events("evt_nt") + events("evt_nc") + events("evt_trail")).isZero();
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        String padding = "x".repeat(70 * 1024);
        String body = event("evt_big", "customer.created",
                "{\"id\":\"cus_big\",\"object\":\"customer\",\"description\":\"" + padding + "\"}", 1760000005);
        assertRejected(server.sendWebhook(body), 413, "body_too_large");
        assertThat(events("evt_big")).isZero();
    }

    @Test
    void eventsWithoutAnObjectIdAndUnknownTypesAreArchivedAndAcknowledged() throws Exception {
        String upcoming = event("evt_upcoming", "invoice.upcoming", "{\"object\":\"invoice\",\"amount_due\":100}", 1760000006);
        HttpResponse<String> r1 = server.sendWebhook(upcoming);
        assertThat(r1.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r1.body()).path("outcome").asText()).isEqualTo("archived");

        String novel = event("evt_novel", "quantum_widget.materialized",
                "{\"id\":\"qw_1\",\"object\":\"quantum_widget\",\"spin\":\"up\"}", 1760000006);
        assertThat(server.sendWebhook(novel).statusCode()).isEqualTo(200);
        assertThat(TestDatabase.rows(db, "select table_name from object_types where object_type = 'quantum_widget'"))
                .containsExactly(List.of("quantum_widgets"));
        assertThat(TestDatabase.rows(db, "select data->>'spin' from quantum_widgets where id = 'qw_1'"))
                .containsExactly(List.of("up"));
        assertThat(events("evt_upcoming") + events("evt_novel")).isEqualTo(2);

        // A thin (v2) event carries a reference, not the object: archived, and the object is to be fetched.
        String thin = """
                {"id":"evt_thin_webhook","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered",\
                "created":"2026-11-23T08:00:00.000Z","livemode":false,\
                "related_object":{"id":"mtr_1","type":"billing.meter","url":"/v1/billing/meters/mtr_1"}}""";
        HttpResponse<String> r3 = server.sendWebhook(thin);
        assertThat(r3.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r3.body()).path("outcome").asText()).isEqualTo("archived");
        assertThat(TestDatabase.rows(db, "select object_type, id, path, reason, event_id from refetches where id = 'mtr_1'"))
                .containsExactly(List.of("billing.meter", "mtr_1", "/v1/billing/meters/mtr_1", "thin event",
                        "evt_thin_webhook"));
        // Delivered again: still one request, and no second event.
        assertThat(server.sendWebhook(thin).statusCode()).isEqualTo(200);
        assertThat(TestDatabase.count(db, "select count(*) from refetches where id = 'mtr_1'")).isEqualTo(1);
        assertThat(events("evt_thin_webhook")).isEqualTo(1);
    }

    @Test
    void connectEventsAreStoredAgainstTheirAccount() throws Exception {
        String body = event("evt_connect", "customer.created", customer("cus_connect", "c@example.com"), 1760000007)
                .replace("\"livemode\":false", "\"livemode\":false,\"account\":\"acct_123connected\"");
        assertThat(server.sendWebhook(body).statusCode()).isEqualTo(200);
        assertThat(TestDatabase.rows(db, "select account from events where id = 'evt_connect'"))
                .containsExactly(List.of("acct_123connected"));
        assertThat(TestDatabase.rows(db, "select account from customers where id = 'cus_connect'"))
                .containsExactly(List.of("acct_123connected"));
        assertThat(TestDatabase.rows(db, "select account from history where id = 'cus_connect'"))
                .containsExactly(List.of("acct_123connected"));
    }

    @Test
    void directRequiresTheBearerToken() throws Exception {
        String body = event("evt_direct", "customer.created", customer("cus_direct", "x@example.com"), 1760000008);
        assertRejected(server.post("/direct", body, "application/json", null, null), 401, "missing_token");
        assertRejected(server.post("/direct", body, "application/json", "Authorization", "Bearer nope"), 401, "bad_token");
        assertThat(events("evt_direct")).isZero();

        HttpResponse<String> ok = server.post("/direct", body, "application/json", "Authorization",
                "Bearer " + RunningServer.DIRECT_TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(TestDatabase.rows(db, "select source from events where id = 'evt_direct'")).containsExactly(List.of("direct"));
    }

    @Test
    void directIsDisabledWithoutAToken() throws Exception {
        try (RunningServer noDirect = RunningServer.start(db, List.of(RunningServer.SECRET), Optional.empty(), 1024 * 1024)) {
            String body = event("evt_nodirect", "customer.created", customer("cus_nodirect", "x@example.com"), 1760000009);
            assertRejected(noDirect.post("/direct", body, "application/json", "Authorization", "Bearer anything"), 404,
                    "direct_disabled");
        }
    }

    @Test
    void healthAndMetricsReportWhatHappened() throws Exception {
        server.sendWebhook(event("evt_health", "customer.created", customer("cus_health", "h@example.com"), 1760000010));
        server.sendWebhook("not json");

        JsonNode health = Json.MAPPER.readTree(server.get("/health").body());
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("database").path("reachable").asBoolean()).isTrue();
        assertThat(health.path("last_event_received_at").isTextual()).isTrue();

        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("opensigma_events_received_total{source=\"webhook\"}");
        assertThat(metrics).containsPattern("opensigma_events_applied_total\\{outcome=\"applied\",source=\"webhook\"\\} [1-9]");
        assertThat(metrics).containsPattern("opensigma_events_rejected_total\\{reason=\"invalid_event\",source=\"webhook\"\\} [1-9]");
        assertThat(metrics).contains("opensigma_ingest_latency_seconds_bucket");
    }

    @Test
    void unknownPathsAnswerJson404() throws Exception {
        HttpResponse<String> r = server.get("/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("not_found");
    }

    private static void assertRejected(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
    }
}
