package dev.opensigma.apply;

import static dev.opensigma.support.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The search() function and the search index the apply path keeps current, on a real PostgreSQL. */
class SearchTest {

    static final String JANE = """
            {"id":"cus_jane","object":"customer","email":"jane.doe@example.com","name":"Jane Doe",\
            "description":"Wholesale account","metadata":{"crm_id":"CRM-77812"}}""";
    static final String JANET = """
            {"id":"cus_janet","object":"customer","email":"janet@example.org","name":"Janet Smith"}""";
    static final String MARY = """
            {"id":"cus_mary","object":"customer","email":"mary.jane.doe@example.com","name":"Mary Major"}""";
    static final String MARGARET = """
            {"id":"cus_mh","object":"customer","email":"mh@example.net","name":"Margaret Hamilton","phone":"+15550100"}""";
    static final String CHARGE = """
            {"id":"ch_1","object":"charge","amount":500,"customer":"cus_mh",\
            "billing_details":{"email":"bill@payer.net","name":"Bill Payer","address":{"city":"Paris"}}}""";
    static final String INVOICE = """
            {"id":"in_1","object":"invoice","number":"ABCD1234-0042","customer":"cus_jane",\
            "customer_email":"jane.doe@example.com","status":"open"}""";

    // One schema for the class: tests that add objects use ids and text of their own.
    private static Database db;
    private static Applying applying;

    @BeforeAll
    static void open() throws Exception {
        db = TestDatabase.fresh();
        applying = new Applying(db, 2, 100);
        applying.apply(List.of(
                event("evt_jane", "customer.created", 100, JANE, null),
                event("evt_janet", "customer.created", 100, JANET, null),
                event("evt_mary", "customer.created", 100, MARY, null),
                event("evt_mh", "customer.created", 100, MARGARET, null),
                event("evt_ch", "charge.succeeded", 110, CHARGE, null),
                event("evt_in", "invoice.finalized", 120, INVOICE, null)));
    }

    @AfterAll
    static void close() {
        applying.close();
        db.close();
    }

    /** The ids search(q) returns, best first. */
    private List<String> search(String q) {
        return ids("select id from search(?)", q);
    }

    private List<String> ids(String sql, Object... params) {
        return TestDatabase.rows(db, sql, params).stream().map(List::getFirst).toList();
    }

    @Test
    void findsACustomerByExactEmailAboveAnObjectThatOnlyContainsIt() {
        List<String> found = search("jane.doe@example.com");

        assertThat(found.getFirst()).isEqualTo("cus_jane");
        // The invoice carries the same email (full-text match too); mary.jane.doe@... only contains it.
        assertThat(found).containsExactly("cus_jane", "in_1", "cus_mary");
    }

    @Test
    void findsByAPartOfAnEmail() {
        assertThat(search("jane.doe@exam")).containsExactlyInAnyOrder("cus_jane", "in_1", "cus_mary");
        assertThat(search("bill@pay")).containsExactly("ch_1");
    }

    @Test
    void findsByIdWithTheExactIdFirst() {
        List<List<String>> rows = TestDatabase.rows(db, "select id, object_type, table_name, rank::text from search('cus_jane')");

        assertThat(rows).extracting(List::getFirst).containsExactly("cus_jane", "cus_janet");
        assertThat(rows.getFirst().subList(1, 3)).containsExactly("customer", "customers");
        assertThat(Double.parseDouble(rows.get(0).get(3))).isGreaterThan(Double.parseDouble(rows.get(1).get(3)));
    }

    @Test
    void findsByAMetadataValue() {
        assertThat(search("CRM-77812")).containsExactly("cus_jane");
    }

    @Test
    void findsANameWithATypo() {
        assertThat(search("Margret Hamilton")).containsExactly("cus_mh");
        assertThat(search("Hamiltn")).containsExactly("cus_mh");
    }

    @Test
    void findsObjectsOfOtherTypes() {
        assertThat(search("bill@payer.net")).containsExactly("ch_1");
        assertThat(search("Bill Payer")).containsExactly("ch_1");
        assertThat(search("ABCD1234-0042")).containsExactly("in_1");
        assertThat(search("abcd1234")).containsExactly("in_1");
    }

    @Test
    void fieldsPeopleDoNotSearchByAreNotIndexed() {
        // A customer id inside a charge, a status, a city: not text the objects are searched by.
        assertThat(search("cus_mh")).containsExactly("cus_mh");
        assertThat(search("open")).isEmpty();
        assertThat(search("Paris")).isEmpty();
    }

    @Test
    void returnsTheCurrentStateAndASummary() {
        assertThat(TestDatabase.rows(db, "select summary, data->>'number', deleted::text from search('ABCD1234-0042')"))
                .containsExactly(List.of("jane.doe@example.com · ABCD1234-0042 · open", "ABCD1234-0042", "false"));
        assertThat(TestDatabase.rows(db, "select summary from search('Margaret')"))
                .containsExactly(List.of("Margaret Hamilton · mh@example.net"));
    }

    @Test
    void filtersByTypeOrTableAndLimits() {
        assertThat(ids("select id from search(?, of_type => ?)", "jane.doe@example.com", "invoice")).containsExactly("in_1");
        assertThat(ids("select id from search(?, of_type => ?)", "jane.doe@example.com", "customers"))
                .containsExactly("cus_jane", "cus_mary");
        assertThat(ids("select id from search(?, 1)", "jane.doe@example.com")).containsExactly("cus_jane");
    }

    @Test
    void worksFromAConnectionWhoseSearchPathIsNotTheSchema() throws Exception {
        // As from psql with the URL of 'db-url': search_path is the default, the schema is named.
        try (Connection c = DriverManager.getConnection(TestDatabase.server().jdbcUrlWithCredentials());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id from \"" + db.schema() + "\".search('Margret Hamilton')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("cus_mh");
        }
    }

    @Test
    void emptyOrWordlessQueriesFindNothing() {
        assertThat(search("")).isEmpty();
        assertThat(search("   ")).isEmpty();
        assertThat(search("%_")).isEmpty();
        assertThat(search("@@@")).isEmpty();
    }

    @Test
    void aDeletedObjectIsNotReturnedUnlessAskedFor() throws Exception {
        String lamp = "{\"id\":\"prod_lamp\",\"object\":\"product\",\"name\":\"Vintage Lamp\"}";
        applying.apply(event("evt_l1", "product.created", 200, lamp, null));
        assertThat(search("Vintage Lamp")).containsExactly("prod_lamp");

        applying.apply(event("evt_l2", "product.deleted", 300, lamp, null));

        assertThat(search("Vintage Lamp")).isEmpty();
        assertThat(search("prod_lamp")).isEmpty();
        assertThat(TestDatabase.rows(db, "select id, deleted::text from search('Vintage Lamp', include_deleted => true)"))
                .containsExactly(List.of("prod_lamp", "true"));
    }

    @Test
    void theObjectANameBelongsToComesBeforeTheObjectsThatMentionIt() throws Exception {
        // More charges than results, each naming the customer (twice: billing and shipping); the
        // customer's type sorts after 'charge'.
        String customer = "{\"id\":\"cus_zz_hopper\",\"object\":\"customer\",\"email\":\"adele.hopper@hopper-labs.example\","
                + "\"name\":\"Adele Hopper\"}";
        String charge = "{\"id\":\"ch_hopper%d\",\"object\":\"charge\",\"customer\":\"cus_zz_hopper\","
                + "\"receipt_email\":\"adele.hopper@hopper-labs.example\",\"billing_details\":{\"name\":\"Adele Hopper\"},"
                + "\"shipping\":{\"name\":\"Adele Hopper\"}}";
        List<String> events = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(event("evt_hc" + i, "charge.succeeded", 600 + i, charge.formatted(i), null));
        }
        events.add(event("evt_hcus", "customer.created", 590, customer, null));
        applying.apply(events);

        assertThat(search("Hopper").getFirst()).isEqualTo("cus_zz_hopper");
        assertThat(search("hopper-labs.example").getFirst()).isEqualTo("cus_zz_hopper");
        assertThat(ids("select id from search(?, 2)", "Adele Hopper")).containsExactly("cus_zz_hopper", "ch_hopper0");
        // An exact id still outranks a name.
        assertThat(search("ch_hopper1").getFirst()).isEqualTo("ch_hopper1");
    }

    @Test
    void anUpdateReplacesTheOldTextAndALateEventDoesNot() throws Exception {
        String customer = "{\"id\":\"cus_upd\",\"object\":\"customer\",\"email\":\"%s\"}";
        applying.apply(event("evt_u1", "customer.created", 200, customer.formatted("first.address@oldmail.com"), null));
        assertThat(search("first.address@oldmail.com")).containsExactly("cus_upd");

        applying.apply(event("evt_u3", "customer.updated", 400, customer.formatted("third.address@newmail.com"),
                "{\"email\":\"first.address@oldmail.com\"}"));

        assertThat(search("first.address@oldmail.com")).isEmpty();
        assertThat(search("third.address@newmail.com")).containsExactly("cus_upd");

        // A late event (older than the current state) is filed in history but does not become searchable.
        applying.apply(event("evt_u2", "customer.updated", 300, customer.formatted("second.address@midmail.com"),
                "{\"email\":\"first.address@oldmail.com\"}"));

        assertThat(search("second.address@midmail.com")).isEmpty();
        assertThat(search("third.address@newmail.com")).containsExactly("cus_upd");
    }

    @Test
    void severalVersionsOfAnObjectInOneBatchLeaveItsNewestText() throws Exception {
        String customer = "{\"id\":\"cus_batch\",\"object\":\"customer\",\"name\":\"%s\"}";
        applying.apply(List.of(
                event("evt_b2", "customer.updated", 502, customer.formatted("Quentin Third"), null),
                event("evt_b0", "customer.created", 500, customer.formatted("Quentin First"), null),
                event("evt_b1", "customer.updated", 501, customer.formatted("Quentin Second"), null)));

        assertThat(TestDatabase.rows(db, "select body from search_documents where id = 'cus_batch'"))
                .containsExactly(List.of("cus_batch Quentin Third"));
        assertThat(search("Quentin Third")).containsExactly("cus_batch");
        assertThat(search("Quentin First")).isEmpty();
    }

    @Test
    void objectsStoredBeforeTheSearchMigrationAreIndexedByIt() throws Exception {
        var settings = TestDatabase.freshSettings();
        try (Database old = Database.open(settings, 2)) {
            Flyway.configure().dataSource(old.dataSource()).schemas(old.schema()).defaultSchema(old.schema())
                    .createSchemas(true).locations("classpath:db/migration").target("2").load().migrate();
            try (Connection c = old.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("select ensure_object_table('customer', 'customers', 'customer_id')");
                s.execute("insert into customers (id, deleted, valid_from, version_id, data) values"
                        + " ('cus_old', false, now(), 1, '{\"id\":\"cus_old\",\"object\":\"customer\",\"email\":\"early@bird.io\"}')");
            }

            old.migrate();

            assertThat(TestDatabase.rows(old, "select id from search('early@bird.io')")).containsExactly(List.of("cus_old"));
        }
    }
}
