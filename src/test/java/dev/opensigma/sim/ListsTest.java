package dev.opensigma.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lists as Stripe serves them: complete paging, order, created ranges, cursors, defaults, embedded lists, Connect. */
class ListsTest {

    private static StripeSimulator sim;
    private static StripeHttp stripe;
    private static List<SimObject> truth;

    @BeforeAll
    static void start() {
        sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(7));
        stripe = new StripeHttp(sim.baseUrl(), "sk_test_listsTest1234");
        truth = sim.objects();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static List<SimObject> live(String account, String type) {
        return truth.stream().filter(o -> o.account().equals(account) && o.type().equals(type) && !o.deleted()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"customers:customer", "charges:charge", "invoices:invoice", "balance_transactions:balance_transaction",
        "payment_intents:payment_intent", "refunds:refund", "checkout/sessions:checkout.session", "payouts:payout",
        "invoiceitems:invoiceitem", "disputes:dispute", "radar/early_fraud_warnings:radar.early_fraud_warning",
        "credit_notes:credit_note", "application_fees:application_fee", "transfers:transfer", "setup_intents:setup_intent",
        "tax_rates:tax_rate", "coupons:coupon", "products:product", "accounts:account"})
    void pagingAWholeListReturnsEveryObjectOnceNewestFirst(String spec) {
        String resource = spec.split(":")[0];
        String type = spec.split(":")[1];

        List<JsonNode> listed = stripe.all("/v1/" + resource, null);

        List<String> ids = listed.stream().map(o -> o.path("id").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(live(sim.platformAccountId(), type).stream().map(SimObject::id).toList());
        assertThat(listed).isNotEmpty();
        assertThat(listed.stream().map(o -> o.path("created").asLong()).toList()).isSortedAccordingTo(Comparator.reverseOrder());
        for (JsonNode o : listed) {
            assertThat(o.path("object").asText()).isEqualTo(type);
        }
    }

    @Test
    void aListPageHasStripesShape() {
        StripeHttp.Answer a = stripe.get("/v1/charges?limit=3");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("object").asText()).isEqualTo("list");
        assertThat(a.json().path("url").asText()).isEqualTo("/v1/charges");
        assertThat(a.json().path("has_more").asBoolean()).isTrue();
        assertThat(a.json().path("data")).hasSize(3);
        assertThat(a.header("Request-Id")).startsWith("req_");
        assertThat(a.header("Stripe-Version")).isEqualTo("2026-07-29.dahlia");
        assertThat(stripe.get("/v1/charges").json().path("data")).hasSize(10);
    }

    @Test
    void theRequestsStripeVersionIsEchoed() {
        StripeHttp.Answer a = StripeHttp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl() + "/v1/customers?limit=1"))
                .header("Authorization", "Bearer sk_test_listsTest1234").header("Stripe-Version", "2025-03-31.basil").build());

        assertThat(a.header("Stripe-Version")).isEqualTo("2025-03-31.basil");
    }

    @Test
    void createdRangesPartitionAList() {
        List<JsonNode> all = stripe.all("/v1/charges", null);
        long middle = all.get(all.size() / 2).path("created").asLong();

        List<JsonNode> newer = stripe.all("/v1/charges", "created[gte]=" + middle);
        List<JsonNode> older = stripe.all("/v1/charges", "created[lt]=" + middle);
        List<JsonNode> exact = stripe.all("/v1/charges", "created=" + middle);
        List<JsonNode> bounded = stripe.all("/v1/charges", "created[gt]=" + (middle - 86_400 * 30) + "&created[lte]=" + middle);

        Set<String> union = new HashSet<>();
        newer.forEach(o -> union.add(o.path("id").asText()));
        older.forEach(o -> union.add(o.path("id").asText()));
        assertThat(newer.size() + older.size()).isEqualTo(all.size());
        assertThat(union).hasSize(all.size());
        assertThat(newer).allMatch(o -> o.path("created").asLong() >= middle);
        assertThat(older).allMatch(o -> o.path("created").asLong() < middle);
        assertThat(exact).isNotEmpty().allMatch(o -> o.path("created").asLong() == middle);
        assertThat(bounded).allMatch(o -> o.path("created").asLong() > middle - 86_400 * 30 && o.path("created").asLong() <= middle);

        // A cursor outside the range only bounds one side of it.
        String oldest = all.getLast().path("id").asText();
        String newest = all.getFirst().path("id").asText();
        assertThat(stripe.all("/v1/charges", "created[gte]=" + middle + "&starting_after=" + oldest)).isEmpty();
        assertThat(stripe.all("/v1/charges", "created[lt]=" + middle + "&starting_after=" + newest)).hasSize(older.size());
        StripeHttp.Answer backwards = stripe.get("/v1/charges?limit=100&created[lt]=" + middle + "&ending_before=" + oldest);
        assertThat(backwards.status()).isEqualTo(200);
        assertThat(backwards.json().path("data").size()).isEqualTo(Math.min(100, older.size() - 1));
    }

    @Test
    void endingBeforePagesBackwards() {
        List<String> forward = stripe.all("/v1/invoices", null).stream().map(o -> o.path("id").asText()).toList();

        List<String> backward = new ArrayList<>();
        String before = forward.getLast();
        backward.addFirst(before);
        while (true) {
            StripeHttp.Answer page = stripe.get("/v1/invoices?limit=7&ending_before=" + before);
            assertThat(page.status()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            page.json().path("data").forEach(o -> ids.add(o.path("id").asText()));
            backward.addAll(0, ids);
            if (!page.json().path("has_more").asBoolean()) {
                break;
            }
            before = ids.getFirst();
        }

        assertThat(backward).containsExactlyElementsOf(forward);
    }

    @Test
    void aCursorKeepsWorkingAfterItsObjectWasDeleted() {
        SimObject deleted = truth.stream().filter(o -> o.type().equals("customer") && o.deleted()
                && o.account().equals(sim.platformAccountId())).findFirst().orElseThrow();
        long created = StripeHttp.parse(deleted.json()).path("created").asLong();

        StripeHttp.Answer page = stripe.get("/v1/customers?limit=100&starting_after=" + deleted.id());

        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.json().path("data")).allMatch(o -> o.path("created").asLong() <= created);
    }

    @Test
    void badListRequestsAreRefusedAsStripeRefusesThem() {
        StripeHttp.Answer tooMany = stripe.get("/v1/charges?limit=101");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(tooMany.json().path("error").path("param").asText()).isEqualTo("limit");
        assertThat(tooMany.json().path("error").path("message").asText()).contains("less than or equal to 100");

        String id = stripe.get("/v1/charges?limit=1").json().path("data").get(0).path("id").asText();
        StripeHttp.Answer both = stripe.get("/v1/charges?starting_after=" + id + "&ending_before=" + id);
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().path("error").path("message").asText())
                .isEqualTo("You may only specify one of these parameters: ending_before, starting_after.");

        StripeHttp.Answer unknown = stripe.get("/v1/charges?colour=blue");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("parameter_unknown");
        assertThat(unknown.json().path("error").path("message").asText()).isEqualTo("Received unknown parameter: colour");

        StripeHttp.Answer noCreated = stripe.get("/v1/customers/" + live(sim.platformAccountId(), "customer").getFirst().id()
                + "/payment_methods?created[gte]=1");
        assertThat(noCreated.status()).isEqualTo(400);
        assertThat(noCreated.json().path("error").path("code").asText()).isEqualTo("parameter_unknown");

        StripeHttp.Answer missingCursor = stripe.get("/v1/charges?starting_after=ch_doesnotexist");
        assertThat(missingCursor.status()).isEqualTo(400);
        assertThat(missingCursor.json().path("error").path("code").asText()).isEqualTo("resource_missing");

        StripeHttp.Answer noParent = stripe.get("/v1/subscription_items");
        assertThat(noParent.status()).isEqualTo(400);
        assertThat(noParent.json().path("error").path("code").asText()).isEqualTo("parameter_missing");

        assertThat(stripe.get("/v1/nothing_here").status()).isEqualTo(404);
        StripeHttp.Answer write = stripe.post("/v1/customers", "email=a%40example.com");
        assertThat(write.status()).isEqualTo(400);
        assertThat(write.json().path("error").path("message").asText()).contains("does not simulate POST /v1/customers");
    }

    @Test
    void subscriptionsHideCanceledOnesUnlessAsked() {
        List<SimObject> subs = live(sim.platformAccountId(), "subscription");
        long canceled = subs.stream().filter(s -> status(s).equals("canceled")).count();
        assertThat(canceled).isPositive();

        List<JsonNode> byDefault = stripe.all("/v1/subscriptions", null);
        List<JsonNode> all = stripe.all("/v1/subscriptions", "status=all");
        List<JsonNode> onlyCanceled = stripe.all("/v1/subscriptions", "status=canceled");

        assertThat(byDefault).hasSize(subs.size() - (int) canceled).noneMatch(s -> s.path("status").asText().equals("canceled"));
        assertThat(all).hasSize(subs.size());
        assertThat(onlyCanceled).hasSize((int) canceled);
        assertThat(subs.stream().map(ListsTest::status)).contains("active", "past_due", "trialing", "canceled");
    }

    @ParameterizedTest
    @ValueSource(strings = {"checkout/sessions:checkout.session", "invoices:invoice"})
    void aStatusFilterListsOnlyThatStatus(String spec) {
        String path = "/v1/" + spec.split(":")[0];
        Map<String, Long> byStatus = live(sim.platformAccountId(), spec.split(":")[1]).stream()
                .collect(java.util.stream.Collectors.groupingBy(ListsTest::status, java.util.stream.Collectors.counting()));
        assertThat(byStatus).as("statuses of %s", path).hasSizeGreaterThan(1);
        for (Map.Entry<String, Long> e : byStatus.entrySet()) {
            assertThat(stripe.all(path, "status=" + e.getKey())).as("%s?status=%s", path, e.getKey())
                    .hasSize(e.getValue().intValue()).allMatch(o -> o.path("status").asText().equals(e.getKey()));
        }
    }

    private static String status(SimObject o) {
        return StripeHttp.parse(o.json()).path("status").asText();
    }

    @Test
    void pricesListActiveOnesUnlessArchivedAreAsked() {
        List<SimObject> prices = live(sim.platformAccountId(), "price");
        long archived = prices.stream().filter(p -> !StripeHttp.parse(p.json()).path("active").asBoolean()).count();
        assertThat(archived).isPositive();

        List<JsonNode> byDefault = stripe.all("/v1/prices", null);
        List<JsonNode> inactive = stripe.all("/v1/prices", "active=false");

        assertThat(byDefault).hasSize(prices.size() - (int) archived).allMatch(p -> p.path("active").asBoolean());
        assertThat(inactive).hasSize((int) archived).noneMatch(p -> p.path("active").asBoolean());
    }

    @Test
    void invoicesWithMoreThanTenLinesEmbedTenAndTheNestedListHasAll() {
        List<JsonNode> invoices = stripe.all("/v1/invoices", null);
        List<JsonNode> long_ = invoices.stream().filter(i -> i.path("lines").path("total_count").asInt() > 10).toList();
        assertThat(long_).isNotEmpty();

        for (JsonNode invoice : long_) {
            JsonNode lines = invoice.path("lines");
            String id = invoice.path("id").asText();
            assertThat(lines.path("data")).hasSize(10);
            assertThat(lines.path("has_more").asBoolean()).isTrue();
            assertThat(lines.path("url").asText()).isEqualTo("/v1/invoices/" + id + "/lines");

            List<JsonNode> all = stripe.all("/v1/invoices/" + id + "/lines", null);
            assertThat(all).hasSize(lines.path("total_count").asInt());
            assertThat(all.subList(0, 10)).containsExactlyElementsOf(iterable(lines.path("data")));
            assertThat(all).allMatch(l -> l.path("invoice").asText().equals(id) && l.path("object").asText().equals("line_item"));
        }
        JsonNode shortOne = invoices.stream().filter(i -> i.path("lines").path("total_count").asInt() <= 10).findFirst().orElseThrow();
        assertThat(shortOne.path("lines").path("has_more").asBoolean()).isFalse();
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    @Test
    void childListsServeEveryChild() {
        for (String[] child : new String[][] {{"line_item", "/v1/invoices/%s/lines"}, {"credit_note_line_item", "/v1/credit_notes/%s/lines"},
            {"item", "/v1/checkout/sessions/%s/line_items"}, {"subscription_item", "/v1/subscription_items?subscription=%s"},
            {"tax_id", "/v1/customers/%s/tax_ids"}, {"payment_method", "/v1/customers/%s/payment_methods"},
            {"fee_refund", "/v1/application_fees/%s/refunds"}, {"transfer_reversal", "/v1/transfers/%s/reversals"}}) {
            List<SimObject> children = live(sim.platformAccountId(), child[0]);
            assertThat(children).as(child[0]).isNotEmpty();
            SimObject one = children.getFirst();
            List<String> siblings = children.stream().filter(c -> c.parentId().equals(one.parentId())).map(SimObject::id).toList();

            List<String> listed = stripe.all(child[1].formatted(one.parentId()), null).stream().map(o -> o.path("id").asText()).toList();

            assertThat(listed).as(child[1]).containsExactlyInAnyOrderElementsOf(siblings);
        }
    }

    @Test
    void aRemovedSubscriptionItemLeavesItsSubscriptionsListsAndRetrievesAsMissing() {
        SimObject removed = truth.stream().filter(o -> o.type().equals("subscription_item") && o.deleted()
                && o.account().equals(sim.platformAccountId())).findFirst().orElseThrow();

        JsonNode subscription = stripe.get("/v1/subscriptions/" + removed.parentId()).json();
        List<String> listed = stripe.all("/v1/subscription_items?subscription=" + removed.parentId(), null).stream()
                .map(o -> o.path("id").asText()).toList();
        StripeHttp.Answer retrieved = stripe.get("/v1/subscription_items/" + removed.id());

        assertThat(subscription.path("items").path("has_more").asBoolean()).isFalse();
        assertThat(iterable(subscription.path("items").path("data"))).isNotEmpty()
                .noneMatch(item -> item.path("id").asText().equals(removed.id()));
        assertThat(listed).isNotEmpty().doesNotContain(removed.id());
        assertThat(retrieved.status()).isEqualTo(404);
    }

    @Test
    void checkoutSessionsAndCustomersEmbedNothing() {
        JsonNode session = stripe.get("/v1/checkout/sessions?limit=1").json().path("data").get(0);
        JsonNode customer = stripe.get("/v1/customers?limit=1").json().path("data").get(0);

        assertThat(session.has("line_items")).isFalse();
        assertThat(customer.has("tax_ids")).isFalse();
    }

    @Test
    void deletedObjectsLeaveListsAndRetrieveAsStripeDoes() {
        SimObject customer = truth.stream().filter(o -> o.type().equals("customer") && o.deleted()
                && o.account().equals(sim.platformAccountId())).findFirst().orElseThrow();
        SimObject product = truth.stream().filter(o -> o.type().equals("product") && o.deleted()
                && o.account().equals(sim.platformAccountId())).findFirst().orElseThrow();

        StripeHttp.Answer stub = stripe.get("/v1/customers/" + customer.id());
        StripeHttp.Answer gone = stripe.get("/v1/products/" + product.id());

        assertThat(stub.status()).isEqualTo(200);
        assertThat(stub.json()).isEqualTo(StripeHttp.parse("{\"id\":\"" + customer.id() + "\",\"object\":\"customer\",\"deleted\":true}"));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("error").path("code").asText()).isEqualTo("resource_missing");
        assertThat(gone.json().path("error").path("message").asText()).isEqualTo("No such product: '" + product.id() + "'");
        assertThat(stripe.all("/v1/customers", null)).noneMatch(c -> c.path("id").asText().equals(customer.id()));
        assertThat(stripe.all("/v1/products", null)).noneMatch(c -> c.path("id").asText().equals(product.id()));
        assertThat(stripe.get("/v1/customers/" + customer.id() + "/payment_methods").status()).isEqualTo(404);

        SimObject detached = truth.stream().filter(o -> o.type().equals("payment_method") && o.deleted()
                && o.account().equals(sim.platformAccountId())).findFirst().orElseThrow();
        StripeHttp.Answer paymentMethod = stripe.get("/v1/payment_methods/" + detached.id());
        assertThat(paymentMethod.status()).as("a detached payment method lives on").isEqualTo(200);
        assertThat(paymentMethod.json().path("customer").isNull()).isTrue();

        SimObject charge = live(sim.platformAccountId(), "charge").getFirst();
        StripeHttp.Answer retrieved = stripe.get("/v1/charges/" + charge.id());
        assertThat(retrieved.status()).isEqualTo(200);
        assertThat(retrieved.json()).isEqualTo(StripeHttp.parse(charge.json()));
    }

    @Test
    void stripeAccountScopesEveryRequestToTheConnectedAccount() {
        String connected = sim.connectedAccountIds().getFirst();
        StripeHttp asConnected = stripe.as(connected);

        List<String> theirs = asConnected.all("/v1/customers", null).stream().map(o -> o.path("id").asText()).toList();
        List<String> platform = stripe.all("/v1/customers", null).stream().map(o -> o.path("id").asText()).toList();

        assertThat(theirs).containsExactlyInAnyOrderElementsOf(live(connected, "customer").stream().map(SimObject::id).toList());
        assertThat(theirs).doesNotContainAnyElementsOf(platform);
        List<JsonNode> charges = asConnected.all("/v1/charges", null);
        assertThat(charges.stream().filter(c -> c.path("status").asText().equals("succeeded"))
                .filter(c -> c.path("application_fee").isNull()).map(c -> c.path("id").asText())).isEmpty();
        assertThat(asConnected.get("/v1/customers/" + platform.getFirst()).status()).isEqualTo(404);
        assertThat(asConnected.all("/v1/events", null)).isNotEmpty().allMatch(e -> e.path("account").asText().equals(connected));
        assertThat(stripe.all("/v1/events", null)).noneMatch(e -> e.has("account"));
        assertThat(asConnected.get("/v1/account").json().path("id").asText()).isEqualTo(connected);
        assertThat(stripe.get("/v1/account").json().path("id").asText()).isEqualTo(sim.platformAccountId());
        assertThat(stripe.all("/v1/accounts", null).stream().map(a -> a.path("id").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(sim.connectedAccountIds());

        StripeHttp.Answer unknown = stripe.as("acct_1NoSuchAccount000").get("/v1/customers");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("account_invalid");
    }

    @Test
    void countsByListPathMatchTheLists() {
        var counts = sim.objectCountsByListPath();
        long customers = truth.stream().filter(o -> o.type().equals("customer") && !o.deleted()).count();

        assertThat(counts.get("/v1/customers")).isEqualTo(customers);
        assertThat(counts).containsKeys("/v1/invoices/:id/lines", "/v1/subscription_items", "/v1/events", "/v1/charges");
        long total = counts.entrySet().stream().filter(e -> !e.getKey().equals("/v1/events")
                && !e.getKey().equals("/v1/charges/:id/refunds")).mapToLong(e -> e.getValue()).sum();
        assertThat(total).isEqualTo(truth.stream().filter(o -> !o.deleted()).count());
    }
}
