package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code opensigma search}: results in the three formats, through the read-only role of the embedded server. */
class SearchCommandTest {

    private static String schema;
    private static Database db;

    static String event(String id, String type, long created, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"object\":" + object + "}}";
    }

    @BeforeAll
    static void setUp() throws Exception {
        schema = Cli.freshSchema("cli_search");
        Cli.Result migrate = Cli.onSchema(schema, "migrate");
        assertThat(migrate.exit()).as(migrate.toString()).isZero();
        db = Cli.admin(schema);
        try (Applying applying = new Applying(db, 1, 100)) {
            applying.apply(List.of(
                    event("evt_1", "customer.created", 100,
                            "{\"id\":\"cus_ada\",\"object\":\"customer\",\"email\":\"ada@lovelace.org\",\"name\":\"Ada Lovelace\"}"),
                    event("evt_2", "customer.created", 100,
                            "{\"id\":\"cus_adam\",\"object\":\"customer\",\"email\":\"adam@smith.org\",\"name\":\"Adam Smith, Jr.\"}"),
                    event("evt_3", "charge.succeeded", 110,
                            "{\"id\":\"ch_ada\",\"object\":\"charge\",\"amount\":100,"
                                    + "\"billing_details\":{\"email\":\"ada@lovelace.org\",\"name\":null}}")));
        }
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static Cli.Result search(String... args) {
        return Cli.onSchema(schema, "search", args);
    }

    @Test
    void tablePrintsTheBestFirstWithASummary() {
        Cli.Result r = search("cus_ada");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "object_type | id       | rank  | summary",
                "------------+----------+-------+---------------------------------",
                "customer    | cus_ada  | 7.591 | Ada Lovelace · ada@lovelace.org",
                "customer    | cus_adam | 1.375 | Adam Smith, Jr. · adam@smith.org",
                "(2 rows)");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void csvQuotesTheSummary() {
        Cli.Result r = search("adam@smith.org", "--format", "csv");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2);
        assertThat(r.out()).startsWith("object_type,id,rank,summary\ncustomer,cus_adam,")
                .endsWith(",\"Adam Smith, Jr. · adam@smith.org\"\n");
    }

    @Test
    void jsonCarriesEachObjectsData() throws Exception {
        Cli.Result r = search("ada@lovelace.org", "--format", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode rows = Json.MAPPER.readTree(r.out());
        assertThat(rows).hasSize(2);
        // The customer whose email it is first, then the charge that mentions it.
        assertThat(rows.get(0).get("id").asText()).isEqualTo("cus_ada");
        assertThat(rows.get(0).get("data").get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(rows.get(1).get("id").asText()).isEqualTo("ch_ada");
        assertThat(rows.get(1).get("table_name").asText()).isEqualTo("charges");
        assertThat(rows.get(1).get("rank").isNumber()).isTrue();
        assertThat(rows.get(1).get("deleted").booleanValue()).isFalse();
        assertThat(rows.get(1).get("data").get("amount").intValue()).isEqualTo(100);
    }

    @Test
    void typeAndLimitNarrowTheResults() throws Exception {
        Cli.Result byType = search("ada@lovelace.org", "--type", "customer", "--format", "json");
        Cli.Result byTable = search("ada@lovelace.org", "--type", "charges", "--format", "json");
        Cli.Result limited = search("ada", "--limit", "1", "--format", "json");

        assertThat(Json.MAPPER.readTree(byType.out())).extracting(row -> row.get("id").asText()).containsExactly("cus_ada");
        assertThat(Json.MAPPER.readTree(byTable.out())).extracting(row -> row.get("id").asText()).containsExactly("ch_ada");
        assertThat(Json.MAPPER.readTree(limited.out())).hasSize(1);
    }

    @Test
    void nothingFoundIsAnEmptyResult() {
        Cli.Result r = search("zzz-nothing-like-it", "--format", "csv");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("object_type,id,rank,summary\n");
    }

    @Test
    void aBlankTextOrABadLimitIsAUsageError() {
        assertThat(Cli.run("search", " ").exit()).isEqualTo(2);
        Cli.Result r = Cli.run("search", "--limit", "0", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--limit must be at least 1");
    }

    @Test
    void aSchemaFromBeforeSearchGetsAHintToMigrate() {
        String old = Cli.freshSchema("cli_search_v2");
        try (Database v2 = Database.open(new DatabaseSettings(Optional.of(TestDatabase.server().jdbcUrlWithCredentials()),
                TestDatabase.dataDir(), old), 2)) {
            Flyway.configure().dataSource(v2.dataSource()).schemas(old).defaultSchema(old)
                    .createSchemas(true).locations("classpath:db/migration").target("2").load().migrate();
        }

        Cli.Result r = Cli.onSchema(old, "search", "x");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("run './opensigma migrate'");
    }

    @Test
    void aMissingSchemaIsAClearError() {
        Cli.Result r = Cli.onSchema(Cli.freshSchema("cli_search_none"), "search", "x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("does not exist");
    }
}
