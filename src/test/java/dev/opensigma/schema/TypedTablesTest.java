package dev.opensigma.schema;

import static dev.opensigma.support.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed columns, child tables, time travel and change history on a real PostgreSQL. */
class TypedTablesTest {

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

    static String invoice(String status, long amountPaid, String lineAmount) {
        return """
                {"id":"in_1","object":"invoice","status":"%s","amount_paid":%d,"created":1700000000,"paid":%s,
                 "customer":{"id":"cus_9","object":"customer","email":"x@example.com"},
                 "metadata":{"order":"A-1","channel":"web"},
                 "lines":{"object":"list","has_more":false,"url":"/v1/invoices/in_1/lines","data":[
                   {"id":"il_1","object":"line_item","amount":%s,"currency":"usd","invoice":"in_1"},
                   {"id":"il_2","object":"line_item","amount":200,"currency":"usd","invoice":"in_1"}]}}"""
                .formatted(status, amountPaid, status.equals("paid"), lineAmount);
    }

    private List<List<String>> rows(String sql, Object... params) {
        return TestDatabase.rows(db, sql, params);
    }

    @Test
    void theCommonTablesAndTheLineItemTablesAnswerBeforeAnyDataArrives() {
        for (String type : dev.opensigma.stripe.ObjectTypes.WELL_KNOWN) {
            String table = dev.opensigma.stripe.ObjectTypes.tableName(type);
            assertThat(TestDatabase.count(db, "select count(*) from " + table)).as(table).isZero();
        }
        assertThat(rows("""
                select table_name, string_agg(column_name || ' ' || data_type, ', ' order by column_name)
                from information_schema.columns
                where table_schema = current_schema()
                  and table_name in ('invoice_line_items', 'checkout_session_line_items', 'credit_note_line_items')
                  and column_name in ('amount', 'amount_total', 'invoice', 'price', 'quantity')
                group by table_name order by table_name"""))
                .containsExactly(
                        // an item's price is always the whole Price object (not expandable): jsonb
                        List.of("checkout_session_line_items", "amount_total bigint, price jsonb, quantity bigint"),
                        List.of("credit_note_line_items", "amount bigint, quantity bigint"),
                        List.of("invoice_line_items", "amount bigint, invoice text, quantity bigint"));
    }

    @Test
    void topLevelFieldsAreTypedColumnsAndReferencesAreIds() throws Exception {
        applying.apply(event("evt_1", "invoice.created", 1700000000, invoice("draft", 0, "100"), null));
        assertThat(rows("select status, amount_paid, paid::text, created = to_timestamp(1700000000), customer,"
                + " pg_typeof(created)::text, pg_typeof(amount_paid)::text from invoices where id = 'in_1'"))
                .containsExactly(List.of("draft", "0", "false", "t", "cus_9", "timestamp with time zone", "bigint"));
        assertThat(rows("select key, value from invoices_metadata where invoice_id = 'in_1' order by key"))
                .containsExactly(List.of("channel", "web"), List.of("order", "A-1"));
    }

    @Test
    void embeddedListsFillChildTablesAndUnchangedChildrenAddNoHistory() throws Exception {
        applying.apply(event("evt_1", "invoice.created", 1700000000, invoice("draft", 0, "100"), null));
        applying.apply(event("evt_2", "invoice.finalized", 1700000000, invoice("open", 0, "100"), null));
        applying.apply(event("evt_3", "invoice.paid", 1700000050, invoice("paid", 300, "100"), null));

        assertThat(rows("select id, amount, invoice, parent_type, parent_id from invoice_line_items order by id"))
                .containsExactly(List.of("il_1", "100", "in_1", "invoice", "in_1"),
                        List.of("il_2", "200", "in_1", "invoice", "in_1"));
        assertThat(rows("select count(*) from history where id = 'il_1'")).containsExactly(List.of("1"));

        applying.apply(event("evt_4", "invoice.updated", 1700000100, invoice("paid", 300, "150"), "{\"total\":300}"));
        assertThat(rows("select version, data->>'amount' from history where id = 'il_1' order by version"))
                .containsExactly(List.of("1", "100"), List.of("2", "150"));
        assertThat(rows("select amount from invoice_line_items where id = 'il_1'")).containsExactly(List.of("150"));
    }

    @Test
    void asOfReturnsTheTableAsItStoodThenWhateverTheArrivalOrder() throws Exception {
        String sub = "{\"id\":\"sub_1\",\"object\":\"subscription\",\"status\":\"%s\",\"customer\":\"cus_1\",\"created\":1000}";
        // Arrive out of order, with a same-second pair.
        applying.apply(event("evt_c", "customer.subscription.deleted", 3000, sub.formatted("canceled"), null));
        applying.apply(event("evt_a", "customer.subscription.created", 1000, sub.formatted("trialing"), null));
        applying.apply(event("evt_b2", "customer.subscription.updated", 2000, sub.formatted("past_due"),
                "{\"status\":\"active\"}"));
        applying.apply(event("evt_b1", "customer.subscription.updated", 2000, sub.formatted("active"),
                "{\"status\":\"trialing\"}"));

        assertThat(rows("select status from subscriptions_as_of(to_timestamp(999))")).isEmpty();
        assertThat(rows("select status, customer from subscriptions_as_of(to_timestamp(1500))"))
                .containsExactly(List.of("trialing", "cus_1"));
        assertThat(rows("select status from subscriptions_as_of(to_timestamp(2000))")).containsExactly(List.of("past_due"));
        assertThat(rows("select status from subscriptions_as_of(now())")).containsExactly(List.of("canceled"));

        String product = "{\"id\":\"prod_1\",\"object\":\"product\",\"name\":\"P\",\"active\":true}";
        applying.apply(event("evt_p1", "product.created", 1000, product, null));
        applying.apply(event("evt_p2", "product.deleted", 2000, product, null));
        assertThat(rows("select name, active::text from products_as_of(to_timestamp(1999))")).containsExactly(List.of("P", "true"));
        assertThat(rows("select name from products_as_of(to_timestamp(2000))")).isEmpty();
    }

    @Test
    void changesComeFromPreviousAttributesOrAreComputed() throws Exception {
        String customer = "{\"id\":\"cus_1\",\"object\":\"customer\",\"email\":\"%s\",\"name\":%s,\"metadata\":{}}";
        applying.apply(event("evt_1", "customer.created", 100, customer.formatted("a@x", "null"), null));
        applying.apply(event("evt_2", "customer.updated", 200, customer.formatted("b@x", "null"), "{\"email\":\"a@x\"}"));
        // No previous_attributes (say, a relayed copy without them): computed against version 2.
        applying.apply(event("evt_3", "customer.updated", 300, customer.formatted("b@x", "\"Ann\""), null));

        assertThat(rows("select version, event_id, changes::text from object_changes('customer', 'cus_1') order by version"))
                .containsExactly(
                        List.of("1", "evt_1", "{}"),
                        List.of("2", "evt_2", "{\"email\": {\"to\": \"b@x\", \"from\": \"a@x\"}}"),
                        List.of("3", "evt_3", "{\"name\": {\"to\": \"Ann\", \"from\": null}}"));
    }

    @Test
    void unknownTopLevelFieldsBecomeColumnsWhenTheyFirstArrive() throws Exception {
        applying.apply(event("evt_1", "customer.created", 100,
                "{\"id\":\"cus_1\",\"object\":\"customer\",\"email\":\"a@x\"}", null));
        applying.apply(event("evt_2", "customer.updated", 200,
                "{\"id\":\"cus_2\",\"object\":\"customer\",\"loyalty_tier\":\"gold\",\"enrolled_at\":1700000000}", null));
        assertThat(rows("select id, loyalty_tier, (enrolled_at = to_timestamp(1700000000))::text from customers order by id"))
                .containsExactly(Arrays.asList("cus_1", null, null), List.of("cus_2", "gold", "true"));
        assertThat(rows("select column_type, origin from fields where object_type = 'customer' and name = 'enrolled_at'"))
                .containsExactly(List.of("timestamp", "observed"));
    }

    @Test
    void quotesAndPaymentLinksHaveTheirLineItemViewsWhichFollowNewColumns() throws Exception {
        assertThat(rows("select count(*) from quote_line_items")).containsExactly(List.of("0"));
        java.time.Instant at = java.time.Instant.ofEpochSecond(1700000000);
        applying.apply(dev.opensigma.apply.Observation.childSnapshot(dev.opensigma.stripe.Json.MAPPER.readTree("""
                {"id":"li_q","object":"item","amount_total":500,"quantity":1,"volume_band":"small"}"""), at, null, null,
                "quote", "qt_1"));
        applying.apply(dev.opensigma.apply.Observation.childSnapshot(dev.opensigma.stripe.Json.MAPPER.readTree("""
                {"id":"li_p","object":"item","amount_total":700,"quantity":2}"""), at, null, null,
                "payment_link", "plink_1"));
        applying.apply(dev.opensigma.apply.Observation.childSnapshot(dev.opensigma.stripe.Json.MAPPER.readTree("""
                {"id":"li_s","object":"item","amount_total":900,"quantity":3}"""), at, null, null,
                "checkout.session", "cs_1"));
        assertThat(rows("select id, parent_id, amount_total, volume_band from quote_line_items"))
                .containsExactly(List.of("li_q", "qt_1", "500", "small"));
        assertThat(rows("select id, parent_id, quantity from payment_link_line_items"))
                .containsExactly(List.of("li_p", "plink_1", "2"));
        assertThat(rows("select count(*) from checkout_session_line_items")).containsExactly(List.of("3"));
    }

    @Test
    void aStartMakesTheLineItemViewsOfATableThatPredatesThem() throws Exception {
        applying.close();
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("drop view quote_line_items, payment_link_line_items"); // as on a database from before them
        }
        applying = new Applying(db, 2, 100);
        assertThat(rows("select count(*) from quote_line_items union all select count(*) from payment_link_line_items"))
                .containsExactly(List.of("0"), List.of("0"));
    }
}
