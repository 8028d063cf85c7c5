package dev.opensigma.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.ApiSync;
import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Source;
import dev.opensigma.backfill.Backfill;
import dev.opensigma.sim.ServedRequest;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.StripeEvent;
import dev.opensigma.stripe.api.Param;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Staying current through /v1/events and webhooks, against the simulator. */
class SyncTest {

    private SimulatedStripe stripe;
    private Database db;

    @BeforeEach
    void start() {
        stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(11).withConnectedAccounts(0));
        db = TestDatabase.fresh();
    }

    @AfterEach
    void stop() {
        db.close();
        stripe.close();
    }

    @Test
    void theFirstPollImportsEveryRetainedEventAndLaterPollsOnlyNewOnes() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            EventPoller poller = poller(api, applier);
            EventPoller.Pass first = poller.pollOnce();
            long retained = TestDatabase.count(db, "select count(*) from events");
            assertThat(first.events()).isPositive().isEqualTo(retained);
            assertThat(TestDatabase.count(db, "select count(*) from events where source = 'poll'")).isEqualTo(retained);

            stripe.simulator().generateActivity(25);
            EventPoller.Pass second = poller.pollOnce();
            assertThat(second.applied()).isPositive();
            long now = TestDatabase.count(db, "select count(*) from events");
            assertThat(now).isEqualTo(retained + second.applied());
            assertThat(poller.pollOnce().applied()).as("nothing new").isZero();
            // The newest event's object is stored as the simulator holds it.
            String newest = new EventCursors(db.dataSource()).read("").orElseThrow().eventId();
            assertThat(TestDatabase.count(db, "select count(*) from events where id = ?", newest)).isEqualTo(1);
        }
    }

    @Test
    void everyTenthPassReReadsAnOverlapAndFindsEventsStripeListedLate() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            EventPoller poller = poller(stripe.api(), applier);
            poller.pollOnce(); // pass 0: every retained event
            Duration lateBy = Duration.ofSeconds(2);
            Instant listed = Instant.now().plus(lateBy);
            stripe.simulator().generateActivityListedLate(5, lateBy);
            stripe.simulator().generateActivity(5);
            assertThat(poller.pollOnce().applied()).as("pass 1: the events listed at once").isPositive();
            long stored = TestDatabase.count(db, "select count(*) from events");
            long retained = stripe.simulator().objectCountsByListPath().get("/v1/events");
            assertThat(stored).as("the late events are not listed yet").isLessThan(retained);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), listed).toMillis() + 200));
            // Now listed, but behind the stored position: reading after it cannot see them.
            for (int pass = 2; pass < 10; pass++) {
                assertThat(poller.pollOnce().applied()).as("pass %d", pass).isZero();
            }
            assertThat(TestDatabase.count(db, "select count(*) from events")).isEqualTo(stored);
            // Pass 10 re-reads the last minutes of the feed.
            assertThat(poller.pollOnce().applied()).as("pass 10").isEqualTo(retained - stored);
            assertThat(TestDatabase.count(db, "select count(distinct id) from events")).isEqualTo(retained);
        }
    }

    @Test
    void aPositionOlderThanStripesRetentionIsReportedAndReconciledWithABackfill() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            new EventCursors(db.dataSource()).advance("", new FeedPosition("evt_gone", Instant.now().minus(Duration.ofDays(40))));
            poller(api, applier).pollOnce();
            assertThat(TestDatabase.rows(db, "select status from backfill_runs")).containsExactly(List.of("completed"));
            assertThat(stripe.differences(db)).isEmpty();
            assertThat(new EventCursors(db.dataSource()).read("").orElseThrow().eventId()).isNotEqualTo("evt_gone");
        }
    }

    @Test
    void webhooksDeliveredOutOfOrderWithDuplicatesAndThePollerConvergeToTheSimulatorsState() throws Exception {
        StripeApi api = stripe.api();
        WebhookSetup.Outcome outcome;
        // The endpoint needs the server's port, and the server needs the endpoint's secret.
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        outcome = new WebhookSetup(api, db.dataSource()).setUp("http://127.0.0.1:" + port + "/webhooks", false);
        assertThat(outcome.action()).isEqualTo("created");
        assertThat(new WebhookSetup(api, db.dataSource()).setUp("http://127.0.0.1:" + port + "/webhooks", false).action())
                .isEqualTo("updated");
        try (Server server = Server.start(db, new ServerSettings("127.0.0.1", port, WebhookSetup.storedSecrets(db.dataSource()),
                Optional.empty(), ServerSettings.DEFAULT_MAX_BODY_BYTES, 2, 500, Duration.ofSeconds(20),
                Optional.of(api.settings().apiVersion())))) {
            new Backfill(api, server.applier(), db.dataSource())
                    .run(new dev.opensigma.backfill.BackfillRequest(List.of(), null, null, false, 8));
            for (int i = 0; i < 10; i++) {
                stripe.simulator().generateActivity(20);
            }
            // Webhooks can only tell of objects that events carry (no event announces a balance
            // transaction, or an open checkout session's line items).
            java.util.Set<String> announced = stripe.idsInEvents();
            // Except objects whose newest state only Stripe can tell: two updates in one second that
            // each undo the other (a quantity 15 -> 18 -> 15), delivered before the version they
            // follow. The apply path flags them for a fetch, which needs the API (the poller below).
            java.util.function.Supplier<List<String>> differences = () -> {
                java.util.Set<String> uncertain = new java.util.HashSet<>();
                TestDatabase.rows(db, "select id from refetches where reason = 'same-second tie'")
                        .forEach(row -> uncertain.add(row.getFirst()));
                return stripe.differencesAmong(db, announced).stream()
                        .filter(d -> uncertain.stream().noneMatch(id -> d.contains("id=" + id + "]"))).toList();
            };
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!differences.get().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(differences.get()).as("state after webhooks alone").isEmpty();
            long byWebhook = TestDatabase.count(db, "select count(*) from events where source = 'webhook'");
            assertThat(byWebhook).isPositive();
            // The poller finds the same events and stores none twice, and fetches what was uncertain.
            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            EventPoller poller = poller(api, server.applier());
            EventPoller.Pass pass = poller.pollOnce();
            assertThat(pass.events()).isPositive();
            assertThat(TestDatabase.count(db, "select count(*) from events where source = 'webhook'")).isEqualTo(byWebhook);
            assertThat(TestDatabase.count(db, "select count(*) - count(distinct id) from events")).isZero();
            while (poller.pollOnce().refetched() > 0) {
                // until every request is served (at most 100 a pass)
            }
            assertThat(stripe.differencesAmong(db, announced)).as("state after the poll").isEmpty();
        }
    }

    @Test
    void objectsThatEventsLeaveUncertainAreFetchedAgainAfterThePoll() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            JsonNode customers = api.get("/v1/customers", List.of(Param.of("limit", 2)), null).body().path("data");
            JsonNode tied = customers.get(0);
            String thinId = customers.get(1).path("id").asText();
            String deletedId = api.get("/v1/events", List.of(Param.of("type", "customer.deleted"), Param.of("limit", 1)), null)
                    .body().path("data").get(0).path("data").path("object").path("id").asText();
            long second = Instant.now().minusSeconds(120).getEpochSecond();
            // Two updates in one second with nothing to order them by but their ids: the newest
            // state could be either, so the customer is to be fetched again.
            applier.applyAll(List.of(
                    event("evt_tie_a", "customer.updated", second, ((ObjectNode) tied.deepCopy()).put("name", "Tie A")),
                    event("evt_tie_b", "customer.updated", second, ((ObjectNode) tied.deepCopy()).put("name", "Tie B")),
                    thin("evt_thin_1", "customer", thinId, "/v1/customers/" + thinId),
                    thin("evt_thin_2", "customer", "cus_neverExisted", "/v1/customers/cus_neverExisted"),
                    thin("evt_thin_3", "line_item", "il_1", null),
                    thin("evt_thin_4", "customer", deletedId, "/v1/customers/" + deletedId)));
            assertThat(TestDatabase.rows(db, "select object_type, id, account, reason from refetches order by id"))
                    .containsExactlyInAnyOrder(List.of("customer", tied.path("id").asText(), "", "same-second tie"),
                            List.of("customer", thinId, "", "thin event"),
                            List.of("customer", "cus_neverExisted", "", "thin event"),
                            List.of("customer", deletedId, "", "thin event"),
                            List.of("line_item", "il_1", "", "thin event"));
            assertThat(TestDatabase.rows(db, "select name from customers where id = ?", tied.path("id").asText()))
                    .containsExactly(List.of("Tie B"));

            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            EventPoller.Pass pass = poller(api, applier).pollOnce();

            assertThat(pass.refetched()).isEqualTo(2);
            assertThat(stripe.differencesAmong(db, java.util.Set.of(tied.path("id").asText(), thinId))).isEmpty();
            assertThat(TestDatabase.count(db, "select count(*) from object_versions where source = 'refetch' and id in (?, ?)",
                    tied.path("id").asText(), thinId)).isEqualTo(2);
            // Gone from Stripe: nothing to file, nothing left to do. No way to fetch: kept, with the reason.
            // The feed's checkout sessions asked for their line items (childListsThatEvents...): not this test's subject.
            assertThat(TestDatabase.count(db, """
                    with lists as (delete from refetches where child_list <> '' returning 1) select count(*) from lists"""))
                    .isPositive();
            assertThat(TestDatabase.rows(db, "select object_type, id, attempts from refetches"))
                    .containsExactly(List.of("line_item", "il_1", String.valueOf(Refetcher.MAX_ATTEMPTS)));
            assertThat(TestDatabase.rows(db, "select last_error from refetches").getFirst().getFirst())
                    .contains("no API path that returns one line_item by id");
            assertThat(poller(api, applier).pollOnce().refetched()).as("nothing waits any more").isZero();
            // Stripe answers a deleted customer with a stub: its stored last state stays (from customer.deleted).
            assertThat(TestDatabase.rows(db, "select deleted, jsonb_exists(data, 'email') from customers where id = ?", deletedId))
                    .containsExactly(List.of("t", "t"));
        }
    }

    @Test
    void waitingRequestsAreFetchedSideBySideAndFinishLeavesNoneWaiting() throws Exception {
        Duration latency = Duration.ofSeconds(1);
        try (SimulatedStripe slow = new SimulatedStripe(SimulatorSettings.fast().withSeed(11).withConnectedAccounts(0)
                .withLatency(latency, 0));
             Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = slow.api(SimulatedStripe.KEY, 100, 100, 3);
            List<Observation> thinEvents = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (JsonNode customer : api.get("/v1/customers", List.of(Param.of("limit", 12)), null).body().path("data")) {
                String id = customer.path("id").asText();
                ids.add(id);
                thinEvents.add(thin("evt_thin_" + id, "customer", id, "/v1/customers/" + id));
            }
            applier.applyAll(thinEvents);
            assertThat(TestDatabase.count(db, "select count(*) from refetches")).isEqualTo(12);

            Refetcher.Pass pass = ApiSync.refetcher(db.dataSource(), applier, api).finish();

            assertThat(pass.fetched()).isEqualTo(12);
            assertThat(TestDatabase.count(db, "select count(*) from refetches")).isZero();
            assertThat(slow.differencesAmong(db, ids)).isEmpty();
            // Each answer takes a second: one after another, the twelve would have arrived over eleven
            // seconds or more; side by side, they all arrive before the first is answered.
            List<Instant> arrivals = slow.simulator().requests().stream()
                    .filter(r -> r.endpoint().equals("GET /v1/customers/:id")).map(ServedRequest::at).toList();
            assertThat(arrivals).hasSize(12);
            assertThat(Duration.between(arrivals.getFirst(), arrivals.getLast())).isLessThan(latency);
        }
    }

    @Test
    void anObjectThatAnEventRendersInAnotherApiVersionIsFetchedAgainInThePinnedOne() throws Exception {
        StripeApi api = stripe.api();
        String pinned = api.settings().apiVersion();
        try (Applier applier = new Applier(db.dataSource(), 2, 500, 1_000, outcomes -> { }, pinned)
                .start(dev.opensigma.stripe.ObjectTypes.WELL_KNOWN)) {
            JsonNode customers = api.get("/v1/customers", List.of(Param.of("limit", 3)), null).body().path("data");
            String oldId = customers.get(0).path("id").asText();
            String sameId = customers.get(1).path("id").asText();
            String snapshotId = customers.get(2).path("id").asText();
            long created = Instant.now().minusSeconds(120).getEpochSecond();
            // A backfill's snapshot, newer than the event about the same object it replays later.
            applier.applyAll(List.of(Observation.snapshot(customers.get(2), Instant.now(), null, pinned)));
            // An account whose default version is older: /v1/events renders its objects in that one.
            applier.applyAll(List.of(
                    event("evt_old_version", "customer.updated", created,
                            ((ObjectNode) customers.get(0).deepCopy()).put("name", "As rendered in 2020"), null, "2020-08-27"),
                    event("evt_pinned_version", "customer.updated", created,
                            ((ObjectNode) customers.get(1).deepCopy()).put("name", "Pinned"), null, pinned),
                    event("evt_old_replayed", "customer.updated", created, customers.get(2), null, "2020-08-27"),
                    // A deletion is final whatever its rendering: nothing to fetch.
                    event("evt_old_deleted", "customer.deleted", created,
                            ((ObjectNode) customers.get(0).deepCopy()).put("id", "cus_goneInOldVersion"), null, "2020-08-27")));
            String current = """
                    select v.api_version, v.source from customers c join object_versions v on v.version_id = c.version_id
                    where c.id = ?""";

            assertThat(TestDatabase.rows(db, "select id, event_id from refetches where reason = 'other API version'"))
                    .containsExactlyInAnyOrder(List.of(oldId, "evt_old_version"), List.of(snapshotId, "evt_old_replayed"));
            assertThat(TestDatabase.rows(db, current, oldId)).containsExactly(List.of("2020-08-27", "webhook"));

            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            poller(api, applier).pollOnce();

            assertThat(TestDatabase.rows(db, current, oldId)).containsExactly(List.of(pinned, "refetch"));
            assertThat(TestDatabase.rows(db, current, sameId)).containsExactly(List.of(pinned, "webhook"));
            assertThat(stripe.differencesAmong(db, java.util.Set.of(oldId))).isEmpty();
            assertThat(TestDatabase.count(db, "select count(*) from refetches where id in (?, ?)", oldId, snapshotId)).isZero();
            assertThat(TestDatabase.rows(db, current, snapshotId)).as("already current in the pinned version: not fetched")
                    .containsExactly(List.of(pinned, "backfill"));
            assertThat(TestDatabase.rows(db, "select version::text, event_id, api_version from history where id = ? and version > 1"
                    + " order by version", oldId))
                    .as("the event's rendering stays in the history")
                    .anySatisfy(row -> assertThat(row.subList(1, 3)).containsExactly("evt_old_version", "2020-08-27"));
        }
    }

    @Test
    void listsThatABackfillReadAfterTheEventsAskingForThemAreNotFetchedAgain() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            Instant started = Instant.now();
            new Backfill(api, applier, db.dataSource()).run(new dev.opensigma.backfill.BackfillRequest(List.of(), null,
                    null, false, 8));
            // The events the backfill replays (the whole feed, on a first backfill) ask for the lists.
            assertThat(TestDatabase.count(db, "select count(*) from refetches where child_list = 'line_items'"))
                    .as("session line items asked for by replayed events").isPositive();
            // One such event from before the backfill embeds a line that Stripe has taken off the
            // invoice since: the backfill's read of the lines did not see it, the event files it.
            ObjectNode invoice = (ObjectNode) longInvoice(api).deepCopy();
            ((ObjectNode) invoice.path("lines").path("data").get(0)).put("id", "il_takenOffBeforeTheBackfill");
            applier.applyAll(List.of(event("evt_before_backfill", "invoice.updated",
                    started.minusSeconds(60).getEpochSecond(), invoice)));
            int served = stripe.simulator().requests().size();

            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            poller(api, applier).pollOnce();

            assertThat(TestDatabase.count(db, "select count(*) from refetches where child_list <> ''")).isZero();
            assertThat(stripe.simulator().requests().subList(served, stripe.simulator().requests().size()))
                    .as("no session's line items fetched again").noneMatch(r -> r.path().endsWith("/line_items"))
                    .as("but the lines of the invoice, which can lose entries without an event")
                    .anyMatch(r -> r.path().equals("/v1/invoices/" + invoice.path("id").asText() + "/lines"));
            assertThat(TestDatabase.count(db, """
                    select count(*) from object_versions
                    where source = 'refetch' and parent_id is not null and parent_type <> 'invoice'""")).isZero();
            assertThat(TestDatabase.rows(db, "select deleted::text from invoice_line_items where id = 'il_takenOffBeforeTheBackfill'"))
                    .containsExactly(List.of("true"));
            assertThat(stripe.differences(db)).isEmpty();
        }
    }

    @Test
    void childListsThatEventsCarryInPartOrNotAtAllAreFetchedInFull() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            // What the events leave out: an invoice's lines past the tenth, the line items of a
            // session, a quote and a payment link.
            java.util.Set<String> parents = new java.util.HashSet<>();
            java.util.Set<String> children = new java.util.HashSet<>();
            api.pageThrough("/v1/events", List.of(), null, page -> {
                for (JsonNode event : page.body().path("data")) {
                    JsonNode object = event.path("data").path("object");
                    if (object.path("lines").path("has_more").asBoolean()
                            || LINE_ITEMS_PATHS.containsKey(object.path("object").asText())) {
                        parents.add(object.path("object").asText() + " " + object.path("id").asText());
                    }
                }
                return true;
            });
            // And a webhook about an invoice with more than 10 lines (the feed's may have none).
            JsonNode longInvoice = longInvoice(api);
            parents.add("invoice " + longInvoice.path("id").asText());
            for (String parent : parents) {
                String id = parent.split(" ")[1];
                String path = parent.startsWith("invoice ") ? "/v1/invoices/" + id + "/lines"
                        : LINE_ITEMS_PATHS.get(parent.split(" ")[0]).formatted(id);
                api.pageThrough(path, List.of(), null, page -> {
                    page.body().path("data").forEach(child -> children.add(child.path("id").asText()));
                    return true;
                });
            }
            assertThat(parents).anyMatch(p -> p.startsWith("checkout.session ")).anyMatch(p -> p.startsWith("quote "))
                    .anyMatch(p -> p.startsWith("payment_link "));
            EventPoller poller = poller(api, applier);
            poller.pollOnce();
            applier.applyAll(List.of(event("evt_long_invoice", "invoice.updated", Instant.now().minusSeconds(60).getEpochSecond(),
                    longInvoice)));
            assertThat(TestDatabase.rows(db, "select distinct reason from refetches order by 1"))
                    .containsExactly(List.of("list has more"), List.of("list not embedded"));
            assertThat(stripe.differencesAmong(db, children)).as("before the lists are fetched").isNotEmpty();

            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            long fetched = 0;
            for (EventPoller.Pass pass = poller.pollOnce(); pass.refetched() > 0; pass = poller.pollOnce()) {
                fetched += pass.refetched();
            }

            assertThat(fetched).isEqualTo(parents.size());
            assertThat(stripe.differencesAmong(db, children)).isEmpty();
            assertThat(TestDatabase.count(db, "select count(*) from refetches")).isZero();
            assertThat(TestDatabase.rows(db, """
                    select distinct parent_type from object_versions
                    where object_type = 'item' and source = 'refetch' order by 1"""))
                    .containsExactly(List.of("checkout.session"), List.of("payment_link"), List.of("quote"));
        }
    }

    /** Where the line items of the parents that never embed them are listed. */
    private static final java.util.Map<String, String> LINE_ITEMS_PATHS = java.util.Map.of(
            "checkout.session", "/v1/checkout/sessions/%s/line_items",
            "quote", "/v1/quotes/%s/line_items",
            "payment_link", "/v1/payment_links/%s/line_items");

    @Test
    void aLineTakenOffADraftQuoteLeavesItWhenTheQuoteIsNextHeardOf() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            JsonNode[] quoteEvent = new JsonNode[1];
            api.pageThrough("/v1/events", List.of(new Param("type", "quote.finalized")), null, page -> {
                page.body().path("data").forEach(e -> quoteEvent[0] = e);
                return true;
            });
            assertThat(quoteEvent[0]).as("a quote finalized inside the event window").isNotNull();
            String quoteId = quoteEvent[0].path("data").path("object").path("id").asText();
            java.util.Set<String> atStripe = new java.util.HashSet<>();
            JsonNode[] anItem = new JsonNode[1];
            api.pageThrough("/v1/quotes/" + quoteId + "/line_items", List.of(), null, page -> {
                page.body().path("data").forEach(i -> {
                    atStripe.add(i.path("id").asText());
                    anItem[0] = i;
                });
                return true;
            });
            assertThat(atStripe).isNotEmpty();
            // The draft's lines as a read while it was a draft stored them: one of them was taken off
            // before the quote was finalized, and Stripe said nothing of it.
            Instant draft = Instant.now().minusSeconds(3_600);
            List<Observation> stored = new ArrayList<>();
            for (String id : atStripe) {
                stored.add(Observation.childSnapshot(((ObjectNode) anItem[0].deepCopy()).put("id", id), draft, null,
                        "2026-07-29.dahlia", "quote", quoteId));
            }
            stored.add(Observation.childSnapshot(((ObjectNode) anItem[0].deepCopy()).put("id", "li_takenOffTheDraft"), draft,
                    null, "2026-07-29.dahlia", "quote", quoteId));
            applier.applyAll(stored);
            String live = "select id from checkout_session_line_items where parent_type = 'quote' and parent_id = ? and not deleted";
            assertThat(TestDatabase.rows(db, live, quoteId)).hasSize(atStripe.size() + 1);

            EventPoller poller = poller(api, applier);
            poller.pollOnce(); // the quote's events arrive, and ask for its lines
            assertThat(TestDatabase.rows(db, "select reason from refetches where object_type = 'quote' and id = ?"
                    + " and child_list = 'line_items'", quoteId)).containsExactly(List.of("list not embedded"));
            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            assertThat(poller.pollOnce().refetched()).isPositive();

            assertThat(TestDatabase.rows(db, live, quoteId)).extracting(row -> row.get(0))
                    .containsExactlyInAnyOrderElementsOf(atStripe);
            assertThat(TestDatabase.rows(db, "select l.deleted::text, v.source from checkout_session_line_items l"
                    + " join object_versions v using (version_id) where l.id = 'li_takenOffTheDraft'"))
                    .containsExactly(List.of("true", "refetch"));
            assertThat(stripe.differencesAmong(db, atStripe)).isEmpty();
            assertThat(TestDatabase.rows(db, "select id from quote_line_items where parent_id = ? and not deleted", quoteId))
                    .extracting(row -> row.get(0)).containsExactlyInAnyOrderElementsOf(atStripe);
        }
    }

    @Test
    void aListReadInFullTakesOffTheChildrenItNoLongerHolds() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            JsonNode invoice = longInvoice(api);
            String invoiceId = invoice.path("id").asText();
            JsonNode line = invoice.path("lines").path("data").get(0);
            Instant now = Instant.now();
            applier.applyAll(List.of(
                    // Lines stored under the invoice that Stripe no longer lists: one from a list read a while
                    // ago, one from a read that began after the refetch's (a version from the future here).
                    childLine(line, "il_takenOffSince", now.minusSeconds(600), invoiceId),
                    childLine(line, "il_addedAfterTheReadBegan", now.plusSeconds(600), invoiceId),
                    // Another invoice's line is not this list's business.
                    childLine(line, "il_ofAnotherInvoice", now.minusSeconds(600), "in_another")));
            applier.applyAll(List.of(event("evt_long_invoice", "invoice.updated", now.minusSeconds(60).getEpochSecond(),
                    invoice)));
            String lines = "select l.id, l.deleted::text, v.source from invoice_line_items l join object_versions v using (version_id)"
                    + " where l.id in ('il_takenOffSince', 'il_addedAfterTheReadBegan', 'il_ofAnotherInvoice') order by l.id";
            assertThat(TestDatabase.rows(db, lines)).extracting(row -> row.get(1)).containsOnly("false");

            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            assertThat(poller(api, applier).pollOnce().refetched()).isPositive();

            assertThat(TestDatabase.rows(db, lines)).containsExactly(
                    List.of("il_addedAfterTheReadBegan", "false", "backfill"),
                    List.of("il_ofAnotherInvoice", "false", "backfill"),
                    List.of("il_takenOffSince", "true", "refetch"));
            assertThat(TestDatabase.rows(db, "select data::text from history where id = 'il_takenOffSince' order by version desc limit 1"))
                    .containsExactly(List.of("{\"id\": \"il_takenOffSince\", \"object\": \"line_item\", \"deleted\": true}"));
            assertThat(TestDatabase.count(db, "select count(*) from invoice_line_items where parent_id = ? and not deleted", invoiceId))
                    .as("the invoice's lines at Stripe, and the one added after the read began")
                    .isEqualTo(invoice.path("lines").path("total_count").asLong() + 1);
            java.util.Set<String> atStripe = new java.util.HashSet<>();
            api.pageThrough("/v1/invoices/" + invoiceId + "/lines", List.of(), null, page -> {
                page.body().path("data").forEach(l -> atStripe.add(l.path("id").asText()));
                return true;
            });
            assertThat(stripe.differencesAmong(db, atStripe)).isEmpty();
        }
    }

    @Test
    void aDeletedDraftTakesItsLinesPastTheTenthWithIt() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            // A draft with twelve lines that Stripe no longer has (deleted: its lines answer 404).
            ObjectNode draft = (ObjectNode) longInvoice(api).deepCopy();
            String id = "in_deletedDraft";
            draft.put("id", id).put("status", "draft");
            ObjectNode list = (ObjectNode) draft.path("lines");
            list.put("url", "/v1/invoices/" + id + "/lines").put("total_count", 12);
            JsonNode line = list.path("data").get(0);
            com.fasterxml.jackson.databind.node.ArrayNode embedded = list.putArray("data");
            for (int i = 1; i <= 10; i++) {
                embedded.add(((ObjectNode) line.deepCopy()).put("id", "il_draft" + i));
            }
            long created = Instant.now().minusSeconds(120).getEpochSecond();
            applier.applyAll(List.of(event("evt_draft_updated", "invoice.updated", created, draft)));
            TestDatabase.count(db, "with d as (delete from refetches returning 1) select count(*) from d");
            applier.applyAll(List.of(event("evt_draft_deleted", "invoice.deleted", created + 10,
                    ((ObjectNode) draft.deepCopy()).put("deleted", true))));
            assertThat(TestDatabase.rows(db, "select child_list, reason from refetches where id = ?", id))
                    .containsExactly(List.of("lines", "list has more"));
            // The two past the tenth, from a read of the whole list made before the deletion and filed
            // after it: no version of the invoice says they are gone.
            applier.applyAll(List.of(childLine(line, "il_draft11", Instant.ofEpochSecond(created + 5), id),
                    childLine(line, "il_draft12", Instant.ofEpochSecond(created + 5), id)));
            String live = "select count(*) from invoice_line_items where parent_id = ? and not deleted";
            assertThat(TestDatabase.count(db, live, id)).as("the embedded ten go with the deletion").isEqualTo(2);

            Thread.sleep(2_100); // requests are taken up two seconds after they were made
            poller(api, applier).pollOnce();

            assertThat(TestDatabase.count(db, live, id)).isZero();
            assertThat(TestDatabase.count(db, "select count(*) from refetches where id = ?", id)).isZero();
            assertThat(TestDatabase.count(db, "select count(*) from invoice_line_items_as_of(now()) where parent_id = ?", id)).isZero();
            assertThat(TestDatabase.count(db, "select count(*) from invoice_line_items_as_of(to_timestamp(?)) where parent_id = ?",
                    created + 6, id)).as("before the deletion").isEqualTo(12);
        }
    }

    /** A copy of {@code line} with another id, as a read of {@code invoiceId}'s list filed it at {@code at}. */
    private static Observation childLine(JsonNode line, String id, Instant at, String invoiceId) {
        return Observation.childSnapshot(((ObjectNode) line.deepCopy()).put("id", id), at, null, "2026-07-29.dahlia",
                "invoice", invoiceId);
    }

    /** An invoice of the simulator's with more than 10 lines. */
    private static JsonNode longInvoice(StripeApi api) throws Exception {
        JsonNode[] found = new JsonNode[1];
        api.pageThrough("/v1/invoices", List.of(), null, page -> {
            for (JsonNode invoice : page.body().path("data")) {
                if (invoice.path("lines").path("has_more").asBoolean()) {
                    found[0] = invoice;
                }
            }
            return found[0] == null;
        });
        assertThat(found[0]).as("an invoice with more than 10 lines").isNotNull();
        return found[0];
    }

    /** A backfilled copy, and a poller that has read the feed once. */
    private EventPoller backfilledAndPolled(StripeApi api, Applier applier) throws Exception {
        new Backfill(api, applier, db.dataSource()).run(new dev.opensigma.backfill.BackfillRequest(List.of(), null,
                null, false, 8));
        EventPoller poller = poller(api, applier);
        poller.pollOnce();
        return poller;
    }

    private static String firstConnectedAccount(StripeApi api) throws Exception {
        return api.get("/v1/accounts", List.of(Param.of("limit", 1)), null).body().path("data").get(0).path("id").asText();
    }

    /** Where the stored objects of this type differ from the simulator's. */
    private List<String> differences(String objectType) {
        return stripe.differences(db).stream().filter(d -> d.contains("type=" + objectType + ",")).toList();
    }

    @Test
    void balanceTransactionsThatNoEventAnnouncesArriveWithThePoll() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            EventPoller poller = backfilledAndPolled(api, applier);
            stripe.simulator().generateActivity(40);
            java.util.function.Supplier<List<String>> balance = () -> differences("balance_transaction");
            assertThat(balance.get()).as("new balance transactions: no event brings them").isNotEmpty();

            EventPoller.Pass pass = poller.pollOnce();

            assertThat(pass.unannounced()).isPositive();
            assertThat(balance.get()).isEmpty();
            // Listed again, an unchanged one is not filed again.
            long versions = TestDatabase.count(db, "select count(*) from object_versions where object_type = 'balance_transaction'");
            assertThat(poller.pollOnce().unannounced()).isZero();
            assertThat(TestDatabase.count(db, "select count(*) from object_versions where object_type = 'balance_transaction'"))
                    .isEqualTo(versions);

            // One we hold as pending became available at Stripe, without an event: the hourly pass
            // lists again from the oldest pending one and files the change.
            String settled = TestDatabase.rows(db, """
                    select id from balance_transactions
                    where created > now() - interval '30 days'
                      and created < (select max(created) from balance_transactions) - interval '1 hour'
                    order by created limit 1""").getFirst().getFirst();
            TestDatabase.count(db, """
                    with changed as (update balance_transactions set status = 'pending',
                                         data = jsonb_set(data, '{status}', '"pending"') where id = ? returning 1)
                    select count(*) from changed""", settled);
            UnannouncedObjects lister = new UnannouncedObjects(api, applier, db.dataSource(), java.time.Clock.systemUTC());
            assertThat(lister.runOnce("")).as("not the hour yet: only the last minute is listed").isZero();
            lister.relistNextTime();
            assertThat(lister.runOnce("")).isEqualTo(1);
            assertThat(balance.get()).isEmpty();
        }
    }

    @Test
    void openCheckoutSessionsThatNoEventAnnouncesArriveWithThePoll() throws Exception {
        try (Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = stripe.api();
            EventPoller poller = backfilledAndPolled(api, applier);
            java.util.function.Supplier<List<String>> sessions = () -> differences("checkout.session");
            for (int round = 0; round < 10 && sessions.get().isEmpty(); round++) {
                stripe.simulator().generateActivity(40); // purchases start sessions that are still open
            }
            assertThat(sessions.get()).as("new open sessions: Stripe sends no event on creation").isNotEmpty();
            assertThat(api.get("/v1/checkout/sessions", List.of(Param.of("status", "open"), Param.of("limit", 1)), null)
                    .body().path("data")).as("the simulator holds open sessions").isNotEmpty();

            EventPoller.Pass pass = poller.pollOnce();

            assertThat(pass.unannounced()).isPositive();
            assertThat(sessions.get()).isEmpty();
            long versions = TestDatabase.count(db, "select count(*) from object_versions where object_type = 'checkout.session'");
            assertThat(poller.pollOnce().unannounced()).as("listed again, unchanged: nothing filed").isZero();
            UnannouncedObjects lister = new UnannouncedObjects(api, applier, db.dataSource(), java.time.Clock.systemUTC());
            assertThat(lister.runOnce("")).as("the first pass lists every open session: all stored already").isZero();
            assertThat(TestDatabase.count(db, "select count(*) from object_versions where object_type = 'checkout.session'"))
                    .isEqualTo(versions);

            // An open session missing here, and a newer session stored since (as its completion event
            // would bring it): the per-poll pass, from the newest session less a minute, does not
            // reach the open one; the first, full pass of a lister does.
            String older = TestDatabase.rows(db, "select id from checkout_sessions where status = 'open' limit 1")
                    .getFirst().getFirst();
            TestDatabase.count(db, """
                    with later as (update checkout_sessions set created = now() + interval '5 minutes'
                                   where id = (select id from checkout_sessions where status = 'complete' limit 1) returning 1)
                    select count(*) from later""");
            TestDatabase.count(db, "with gone as (delete from checkout_sessions where id = ? returning 1) select count(*) from gone",
                    older);
            poller.pollOnce();
            assertThat(TestDatabase.count(db, "select count(*) from checkout_sessions where id = ?", older)).isZero();
            assertThat(new UnannouncedObjects(api, applier, db.dataSource(), java.time.Clock.systemUTC()).runOnce(""))
                    .isEqualTo(1);
            assertThat(TestDatabase.count(db, "select count(*) from checkout_sessions where id = ?", older)).isEqualTo(1);
        }
    }

    @Test
    void everyAccountGetsItsHourlyPass() throws Exception {
        try (SimulatedStripe connect = new SimulatedStripe(SimulatorSettings.fast().withSeed(12).withConnectedAccounts(1));
             Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = connect.api();
            String account = firstConnectedAccount(api);
            new Backfill(api, applier, db.dataSource()).run(new dev.opensigma.backfill.BackfillRequest(
                    List.of("balance_transactions"), null, null, true, 8));
            // A balance transaction of the connected account that we hold as pending has settled at Stripe.
            String settled = TestDatabase.rows(db, """
                    select id from balance_transactions
                    where account = ? and status = 'available' and created > now() - interval '30 days'
                      and created < (select max(created) from balance_transactions where account = ?) - interval '1 hour'
                    order by created limit 1""", account, account).getFirst().getFirst();
            TestDatabase.count(db, """
                    with changed as (update balance_transactions set status = 'pending',
                                         data = jsonb_set(data, '{status}', '"pending"') where id = ? returning 1)
                    select count(*) from changed""", settled);
            UnannouncedObjects lister = new UnannouncedObjects(api, applier, db.dataSource(), java.time.Clock.systemUTC());
            lister.relistNextTime();

            lister.runOnce("");

            assertThat(lister.runOnce(account)).as("the key's own account's pass does not use up the connected one's")
                    .isEqualTo(1);
            assertThat(TestDatabase.rows(db, "select status from balance_transactions where id = ?", settled))
                    .containsExactly(List.of("available"));
        }
    }

    @Test
    void aConnectedAccountsObjectIsFetchedAgainWithThatAccount() throws Exception {
        try (SimulatedStripe connect = new SimulatedStripe(SimulatorSettings.fast().withSeed(12).withConnectedAccounts(1));
             Applier applier = SimulatedStripe.applier(db)) {
            StripeApi api = connect.api();
            String account = firstConnectedAccount(api);
            JsonNode customer = api.get("/v1/customers", List.of(Param.of("limit", 1)), account).body().path("data").get(0);
            String id = customer.path("id").asText();
            long second = Instant.now().minusSeconds(120).getEpochSecond();
            applier.applyAll(List.of(
                    event("evt_ctie_a", "customer.updated", second, ((ObjectNode) customer.deepCopy()).put("name", "Tie A"),
                            account),
                    event("evt_ctie_b", "customer.updated", second, ((ObjectNode) customer.deepCopy()).put("name", "Tie B"),
                            account)));
            assertThat(TestDatabase.rows(db, "select account, reason from refetches where id = ?", id))
                    .containsExactly(List.of(account, "same-second tie"));

            Thread.sleep(2_100);
            Refetcher.Pass pass = new Refetcher(api, applier, db.dataSource(), dev.opensigma.backfill.ListableTypes::retrievePath,
                    new dev.opensigma.backfill.BackfilledLists(db.dataSource())::readAfter)
                    .runOnce(10);

            assertThat(pass.fetched()).isEqualTo(1);
            assertThat(TestDatabase.rows(db, "select account from object_versions where source = 'refetch' and id = ?", id))
                    .containsExactly(List.of(account));
            assertThat(connect.differencesAmong(db, java.util.Set.of(id))).isEmpty();
            assertThat(TestDatabase.count(db, "select count(*) from refetches")).isZero();
        }
    }

    private static Observation event(String id, String type, long created, JsonNode object) throws Exception {
        return event(id, type, created, object, null);
    }

    private static Observation event(String id, String type, long created, JsonNode object, String account)
            throws Exception {
        return event(id, type, created, object, account, "2026-07-29.dahlia");
    }

    private static Observation event(String id, String type, long created, JsonNode object, String account,
                                     String apiVersion) throws Exception {
        ObjectNode event = Json.MAPPER.createObjectNode().put("id", id).put("object", "event").put("type", type)
                .put("created", created).put("api_version", apiVersion).put("livemode", false);
        if (account != null) {
            event.put("account", account);
        }
        event.putObject("data").set("object", object);
        return Observation.of(StripeEvent.parse(Json.MAPPER.writeValueAsString(event)), Source.WEBHOOK);
    }

    private static Observation thin(String id, String type, String objectId, String url) throws Exception {
        ObjectNode event = Json.MAPPER.createObjectNode().put("id", id).put("object", "v2.core.event")
                .put("type", "v1." + type + ".updated").put("created", Instant.now().minusSeconds(60).toString());
        ObjectNode related = event.putObject("related_object").put("id", objectId).put("type", type);
        if (url != null) {
            related.put("url", url);
        }
        return Observation.of(StripeEvent.parse(Json.MAPPER.writeValueAsString(event)), Source.WEBHOOK);
    }

    private EventPoller poller(StripeApi api, Applier applier) {
        ApiSync.Settings settings = new ApiSync.Settings(List.of(""), Duration.ofSeconds(1), false, 8);
        return ApiSync.poller(db.dataSource(), applier, api, settings, new Backfill(api, applier, db.dataSource()));
    }
}
