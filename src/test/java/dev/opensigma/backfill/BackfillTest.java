package dev.opensigma.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.sim.ServedRequest;
import dev.opensigma.sim.SimObject;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.SimulatedStripe.Key;
import dev.opensigma.support.TestDatabase;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backfill against the simulator over real HTTP into the embedded PostgreSQL: everything the
 * simulator holds ends up stored, with equal JSON.
 */
class BackfillTest {

    private SimulatedStripe stripe;
    private Database db;
    private Applier applier;

    @BeforeEach
    void start() throws Exception {
        stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(7).withConnectedAccounts(2));
        db = TestDatabase.fresh();
        applier = SimulatedStripe.applier(db);
    }

    @AfterEach
    void stop() {
        applier.close();
        db.close();
        stripe.close();
    }

    @Test
    void copiesEveryObjectOfEveryAccountWithEqualJson() throws Exception {
        Backfill.Result result = new Backfill(stripe.api(), applier, db.dataSource())
                .run(new BackfillRequest(List.of(), null, null, true, 16));

        assertThat(result.errors()).isEmpty();
        assertThat(result.completed()).isTrue();
        assertThat(stripe.differences(db)).isEmpty();
        // No page was fetched twice.
        Map<String, Long> fetched = stripe.simulator().requests().stream()
                .filter(r -> r.status() == 200 && !r.path().startsWith("/v1/events"))
                .collect(Collectors.groupingBy(r -> r.stripeAccount() + " " + r.path() + "?" + r.query(), Collectors.counting()));
        assertThat(fetched).allSatisfy((request, times) -> assertThat(times).as(request).isEqualTo(1));

        Map<Key, SimObject> truth = stripe.truth();
        Map<String, Long> perAccount = truth.entrySet().stream().filter(e -> !e.getValue().deleted())
                .collect(Collectors.groupingBy(e -> e.getKey().account(), Collectors.counting()));
        assertThat(perAccount).as("objects per account").hasSizeGreaterThanOrEqualTo(3);
        assertThat(TestDatabase.rows(db, "select status from backfill_runs")).containsExactly(List.of("completed"));

        // Defaults that hide data did not: canceled subscriptions and archived prices are there.
        assertThat(TestDatabase.count(db, "select count(*) from subscriptions where data->>'status' = 'canceled'")).isPositive();
        assertThat(TestDatabase.count(db, "select count(*) from prices where not (data->>'active')::boolean")).isPositive();
        // Invoices with more than 10 lines have them all.
        List<List<String>> longInvoices = TestDatabase.rows(db, """
                select id, (data->'lines'->>'total_count')::int from invoices
                where (data->'lines'->>'has_more')::boolean""");
        assertThat(longInvoices).isNotEmpty();
        for (List<String> invoice : longInvoices) {
            assertThat(TestDatabase.count(db, "select count(*) from objects where object_type = 'line_item' and parent_id = ?",
                    invoice.get(0))).as("lines of " + invoice.get(0)).isEqualTo(Long.parseLong(invoice.get(1)));
        }
        // Every list split by created was split: invoice items too, whose time is their date.
        // (Ranges with an upper bound: the first one of each list and those split off; the run's last
        // pass adds one without.) A list's first page, with more to come, splits its range.
        assertThat(TestDatabase.rows(db, """
                select list_type from backfill_ranges where parent_id is null and account = '' group by list_type
                having sum(objects) > 300 and count(*) filter (where created_lt is not null) = 1 order by 1""")).isEmpty();
        assertThat(TestDatabase.count(db, """
                select count(*) from backfill_ranges
                where list_type = 'invoice_items' and account = '' and created_lt is not null"""))
                .as("the first range of invoice items and those split off it").isGreaterThan(1);
        // Connected accounts' rows carry their account.
        for (String account : stripe.simulator().connectedAccountIds()) {
            assertThat(TestDatabase.count(db, "select count(*) from objects where account = ?", account))
                    .as("objects of " + account).isPositive();
        }
    }

    @Test
    void deletionsWithinTheEventRetentionAreSeenThroughEvents() throws Exception {
        Backfill.Result result = new Backfill(stripe.api(), applier, db.dataSource())
                .run(new BackfillRequest(List.of(), null, null, false, 16));
        assertThat(result.completed()).isTrue();

        Map<Key, SimObject> truth = stripe.truth();
        Map<Key, SimulatedStripe.Stored> stored = SimulatedStripe.stored(db);
        Set<String> deletedByEvent = stripe.idsInEvents(type -> type.endsWith(".deleted"));
        long seen = 0;
        for (Map.Entry<Key, SimObject> e : truth.entrySet()) {
            if (!e.getValue().deleted() || !e.getKey().account().isEmpty()) {
                continue;
            }
            if (deletedByEvent.contains(e.getKey().id())) {
                assertThat(stored.get(e.getKey())).as("deleted " + e.getKey()).isNotNull()
                        .extracting(SimulatedStripe.Stored::deleted).isEqualTo(true);
                seen++;
            }
        }
        assertThat(seen).as("deletions within the last 30 days in the simulated account").isPositive();
    }

    /**
     * Stores {@code child} under its parent as a list read ten minutes ago found it, then backfills
     * {@code types} to completion.
     */
    private void backfillAfterAnEarlierRead(com.fasterxml.jackson.databind.JsonNode child, String parentType,
                                            String parentId, String... types) throws Exception {
        StripeApi api = stripe.api();
        applier.applyAll(List.of(Observation.childSnapshot(child, java.time.Instant.now().minusSeconds(600), null,
                api.settings().apiVersion(), parentType, parentId)));
        Backfill.Result result = new Backfill(api, applier, db.dataSource())
                .run(new BackfillRequest(List.of(types), null, null, false, 8));
        assertThat(result.completed()).isTrue();
    }

    /** Whether the child's current row is deleted, and where its version came from. */
    private List<List<String>> deletedAndSource(String table, String id) {
        return TestDatabase.rows(db, "select l.deleted::text, v.source from " + table
                + " l join object_versions v using (version_id) where l.id = ?", id);
    }

    @Test
    void aQuotesLinesReadInFullTakeOffTheLineItsDraftLost() throws Exception {
        StripeApi api = stripe.api();
        com.fasterxml.jackson.databind.JsonNode[] quote = new com.fasterxml.jackson.databind.JsonNode[1];
        api.pageThrough("/v1/quotes", List.of(), null, page -> {
            quote[0] = page.body().path("data").get(0);
            return false;
        });
        assertThat(quote[0]).as("a quote").isNotNull();
        String quoteId = quote[0].path("id").asText();
        java.util.Set<String> atStripe = new java.util.HashSet<>();
        com.fasterxml.jackson.databind.node.ObjectNode[] stale = new com.fasterxml.jackson.databind.node.ObjectNode[1];
        api.pageThrough("/v1/quotes/" + quoteId + "/line_items", List.of(), null, page -> {
            page.body().path("data").forEach(item -> {
                atStripe.add(item.path("id").asText());
                stale[0] = ((com.fasterxml.jackson.databind.node.ObjectNode) item.deepCopy()).put("id", "li_lostByTheDraft");
            });
            return true;
        });
        // A line an earlier read of the quote's lines found, that the draft lost since.
        backfillAfterAnEarlierRead(stale[0], "quote", quoteId, "quotes", "quote_line_items");

        assertThat(deletedAndSource("checkout_session_line_items", "li_lostByTheDraft"))
                .containsExactly(List.of("true", "backfill"));
        assertThat(TestDatabase.rows(db, "select id from checkout_session_line_items where parent_type = 'quote'"
                + " and parent_id = ? and not deleted", quoteId)).extracting(row -> row.get(0))
                .containsExactlyInAnyOrderElementsOf(atStripe);
        assertThat(stripe.differencesAmong(db, atStripe)).isEmpty();
        assertThat(stripe.differences(db).stream().filter(d -> d.contains("[account=, type=quote,"))).isEmpty();
    }

    @Test
    void aChildListReadInFullTakesOffTheChildrenStoredUnderItsParentThatItNoLongerHolds() throws Exception {
        StripeApi api = stripe.api();
        com.fasterxml.jackson.databind.JsonNode[] found = new com.fasterxml.jackson.databind.JsonNode[1];
        api.pageThrough("/v1/invoices", List.of(), null, page -> {
            for (com.fasterxml.jackson.databind.JsonNode invoice : page.body().path("data")) {
                if (invoice.path("lines").path("has_more").asBoolean()) {
                    found[0] = invoice;
                }
            }
            return found[0] == null;
        });
        String invoiceId = found[0].path("id").asText();
        com.fasterxml.jackson.databind.node.ObjectNode stale =
                ((com.fasterxml.jackson.databind.node.ObjectNode) found[0].path("lines").path("data").get(0).deepCopy())
                        .put("id", "il_takenOffSinceTheLastRead");
        // A line an earlier read of the invoice's lines found, that Stripe no longer has.
        backfillAfterAnEarlierRead(stale, "invoice", invoiceId, "invoices", "invoice_line_items");

        assertThat(deletedAndSource("invoice_line_items", "il_takenOffSinceTheLastRead"))
                .containsExactly(List.of("true", "backfill"));
        assertThat(TestDatabase.count(db, "select count(*) from invoice_line_items where parent_id = ? and not deleted",
                invoiceId)).isEqualTo(found[0].path("lines").path("total_count").asLong());
        assertThat(TestDatabase.count(db, "select count(*) from invoice_line_items where deleted")).isEqualTo(
                TestDatabase.count(db, "select count(*) from history where object_type = 'line_item' and deleted"));
        assertThat(stripe.differences(db).stream().filter(d -> d.contains("[account=, type=line_item,"))).isEmpty();
    }

    @Test
    void aSecondBackfillAddsAVersionOnlyForWhatChanged() throws Exception {
        Backfill backfill = new Backfill(stripe.api(), applier, db.dataSource());
        assertThat(backfill.run(new BackfillRequest(List.of(), null, null, true, 16)).completed()).isTrue();
        long history = TestDatabase.count(db, "select count(*) from history");
        long stored = TestDatabase.count(db, "select count(*) from object_versions");
        Set<String> deletedBefore = stripe.idsInEvents(type -> type.endsWith(".deleted"));
        stripe.simulator().generateActivity(10);
        Thread.sleep(1_100); // the second run's snapshots are a second later than the first's

        assertThat(backfill.run(new BackfillRequest(List.of(), null, null, true, 16)).completed()).isTrue();

        assertThat(stripe.differences(db)).isEmpty();
        // No list shows what was deleted between the runs (no poller ran): the second run's replay
        // starts from where the first one left the feed, not from its own start.
        Set<String> deletedBetween = new HashSet<>(stripe.idsInEvents(type -> type.endsWith(".deleted")
                && !type.equals("customer.subscription.deleted")));
        deletedBetween.removeAll(deletedBefore);
        assertThat(deletedBetween).isNotEmpty();
        for (String id : deletedBetween) {
            assertThat(TestDatabase.rows(db, "select deleted::text from objects where id = ?", id)).as(id)
                    .containsExactly(List.of("true"));
        }
        // Every object was listed again (its snapshot stored), but history shows only the changes:
        // the objects the new activity touched, by event or by snapshot.
        long storedAgain = TestDatabase.count(db, "select count(*) from object_versions") - stored;
        long newVersions = TestDatabase.count(db, "select count(*) from history") - history;
        assertThat(storedAgain).isGreaterThan(TestDatabase.count(db, "select count(*) from objects where parent_id is null"));
        assertThat(newVersions).isPositive().isLessThan(storedAgain / 5);
        // No version in history repeats the state before it unless an event carried it.
        assertThat(TestDatabase.count(db, """
                select count(*) from (
                    select event_id, data = lag(data) over w and deleted = lag(deleted) over w as same
                    from history window w as (partition by object_type, id order by version)) h
                where same and event_id is null""")).isZero();
    }

    @Test
    void aChangeMadeWhileTheBackfillRunsIsThereAtTheEnd() throws Exception {
        StripeApi api = stripe.api(SimulatedStripe.KEY, 200, 50, 10);
        Backfill backfill = new Backfill(api, applier, db.dataSource());
        Thread changes = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 20; i++) {
                stripe.simulator().generateActivity(10);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Backfill.Result result = backfill.run(new BackfillRequest(List.of(), null, null, true, 16));
        changes.join();
        assertThat(result.errors()).isEmpty();
        // Changes after the run's replay are the poller's job; replay once more what came after.
        assertThat(result.completed()).isTrue();
        assertThat(result.eventsReplayed()).isPositive();
        new dev.opensigma.sync.EventFeed(api, applier).readAfter("",
                new dev.opensigma.sync.EventCursors(db.dataSource()).read("").orElseThrow());
        // Including what no event announces (balance transactions, open checkout sessions and
        // their line items): the run's last pass lists what was created since it began.
        assertThat(stripe.differences(db)).isEmpty();
    }

    @Test
    void aRerunOfACompletedRequestStartsANewRunAndAFailedOneResumes() throws Exception {
        // A client that gives up at the first 5xx, against a simulator that fails 15% of requests.
        try (SimulatedStripe flaky = new SimulatedStripe(SimulatorSettings.fast().withSeed(7).withErrorRate(0.15)
                .withConnectedAccounts(0))) {
            StripeApi impatient = flaky.api(SimulatedStripe.KEY, 10_000, 10_000, 1);
            Backfill.Result failed = null;
            for (int attempt = 0; failed == null; attempt++) {
                try {
                    failed = new Backfill(impatient, applier, db.dataSource())
                            .run(new BackfillRequest(List.of(), null, null, false, 8));
                } catch (dev.opensigma.stripe.api.StripeApiException e) {
                    // The first request (where the feed stands) failed before the run began; try again.
                    assertThat(attempt).isLessThan(10);
                }
            }
            assertThat(failed.completed()).isFalse();
            assertThat(failed.errors()).isNotEmpty().allSatisfy(e -> assertThat(e).contains("500"));
            assertThat(TestDatabase.rows(db, "select status from backfill_runs")).containsExactly(List.of("failed"));

            int requestsBefore = flaky.simulator().requests().size();
            Backfill.Result resumed = new Backfill(flaky.api(), applier, db.dataSource())
                    .run(new BackfillRequest(List.of(), null, null, false, 8));
            assertThat(resumed.resumed()).isTrue();
            assertThat(resumed.runId()).isEqualTo(failed.runId());
            assertThat(resumed.completed()).isTrue();
            assertThat(flaky.differences(db)).isEmpty();

            // Finished ranges were not fetched again: every successful list request of the
            // first run that is repeated in the second was the page that failed.
            Map<String, Integer> firstRun = new HashMap<>();
            List<ServedRequest> all = flaky.simulator().requests();
            for (ServedRequest r : all.subList(0, requestsBefore)) {
                if (r.status() == 200 && !r.path().equals("/v1/events")) {
                    firstRun.merge(r.path() + "?" + r.query(), 1, Integer::sum);
                }
            }
            long refetched = all.subList(requestsBefore, all.size()).stream()
                    .filter(r -> !r.path().equals("/v1/events") && firstRun.containsKey(r.path() + "?" + r.query())).count();
            assertThat(refetched).as("successful pages fetched again").isZero();
        }
    }
}
