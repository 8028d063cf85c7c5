package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code opensigma query}: output formats and the read-only guarantee, on the embedded server. */
class QueryCommandTest {

    /** A raw event whose text needs quoting in CSV: commas, double quotes and a newline. */
    static final String RAW_1 = """
            {"id":"evt_q1","object":"event","type":"customer.created","created":1760000000,\
            "note":"a,b \\"quoted\\"\\nsecond line","amount":1.10,"count":3,"nested":{"list":[1,"two",null,true]},"gone":null}""";
    static final String RAW_2 = """
            {"id":"evt_q2","object":"event","type":"charge.succeeded","created":1760000100,"note":"plain"}""";

    private static String schema;
    private static Database db;

    @BeforeAll
    static void setUp() throws Exception {
        schema = Cli.freshSchema("cli_query");
        Cli.Result migrate = Cli.onSchema(schema, "migrate");
        assertThat(migrate.exit()).as(migrate.toString()).isZero();
        db = Cli.admin(schema);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into events (id, type, created, livemode, account, source, raw)"
                        + " values (?, ?, to_timestamp(?), false, ?, 'import', ?)")) {
            insert(s, "evt_q1", "customer.created", 1760000000, null, RAW_1);
            insert(s, "evt_q2", "charge.succeeded", 1760000100, "acct_1", RAW_2);
        }
    }

    private static void insert(PreparedStatement s, String id, String type, long created, String account, String raw)
            throws Exception {
        s.setString(1, id);
        s.setString(2, type);
        s.setLong(3, created);
        s.setString(4, account);
        s.setString(5, raw);
        s.executeUpdate();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static Cli.Result query(String sql, String... options) {
        String[] args = new String[options.length + 1];
        args[0] = sql;
        System.arraycopy(options, 0, args, 1, options.length);
        return Cli.onSchema(schema, "query", args);
    }

    private static String eventsFingerprint() {
        return TestDatabase.rows(db, "select count(*) || ':' || coalesce(md5(string_agg(id || raw, '|' order by id)), '')"
                + " from events").getFirst().getFirst();
    }

    @Test
    void tableFormatAlignsColumnsAndCountsRows() {
        Cli.Result r = query("select id, type, account from events order by id");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "id     | type             | account",
                "-------+------------------+--------",
                "evt_q1 | customer.created |",
                "evt_q2 | charge.succeeded | acct_1",
                "(2 rows)");
    }

    @Test
    void csvQuotesCommasQuotesAndNewlinesAsRfc4180Says() {
        Cli.Result r = query("select id, raw::jsonb->>'note' as note, account, 'x' as \"a,b\" from events order by id",
                "--format", "csv");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                id,note,account,"a,b"
                evt_q1,"a,b ""quoted""
                second line",,x
                evt_q2,plain,acct_1,x
                """);
    }

    @Test
    void jsonKeepsJsonbNestedNumbersAsNumbersAndNullAsNull() throws Exception {
        Cli.Result r = query("select id, raw::jsonb as doc, raw::jsonb->'amount' as amount_json,"
                + " (raw::jsonb->>'amount')::numeric as amount, (raw::jsonb->>'count')::int as count,"
                + " 10000000000::bigint as big, 2.5::float8 as f, livemode, account, created"
                + " from events where id = 'evt_q1'", "--format", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode rows = Json.MAPPER.readTree(r.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(1);
        JsonNode row = rows.get(0);
        assertThat(row.get("id").asText()).isEqualTo("evt_q1");
        assertThat(row.get("doc").isObject()).as("jsonb is nested JSON, not a string").isTrue();
        assertThat(row.get("doc")).isEqualTo(Json.MAPPER.readTree(RAW_1));
        assertThat(row.get("doc").get("nested").get("list").get(2).isNull()).isTrue();
        assertThat(row.get("amount_json").isNumber()).isTrue();
        assertThat(row.get("amount_json").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(row.get("amount").isNumber()).isTrue();
        assertThat(row.get("amount").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(row.get("count").isIntegralNumber()).isTrue();
        assertThat(row.get("count").intValue()).isEqualTo(3);
        assertThat(row.get("big").isIntegralNumber()).isTrue();
        assertThat(row.get("big").longValue()).isEqualTo(10_000_000_000L);
        assertThat(row.get("f").isNumber()).isTrue();
        assertThat(row.get("f").doubleValue()).isEqualTo(2.5);
        assertThat(row.get("livemode").isBoolean()).isTrue();
        assertThat(row.get("livemode").booleanValue()).isFalse();
        assertThat(row.get("account").isNull()).as("SQL null is JSON null").isTrue();
        assertThat(row.get("created").isTextual()).isTrue();
    }

    @Test
    void jsonCopiesJsonColumnsVerbatimEvenWithDuplicateKeys() {
        // The json type (unlike jsonb) keeps duplicate keys; they must not break the output midway.
        Cli.Result r = query("select '{\"a\":1,\"a\":2.50}'::json as j", "--format", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo("[{\"j\":{\"a\":1,\"a\":2.50}}]");
    }

    @Test
    void jsonOfAnEmptyResultIsAnEmptyArray() throws Exception {
        Cli.Result r = query("select id from events where false", "--format", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.createArrayNode());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "delete from events",
        "insert into events (id, type, created, source, raw) values ('evt_x', 'x', now(), 'import', '{}')",
        "update events set type = 'changed'",
        "set transaction read write; delete from events",
        "commit; set transaction read write; delete from events",
        "create table x (id int)",
        "drop table events",
        "truncate events",
        "select ensure_object_table('widget', 'widgets', 'widget_id')"
    })
    void changingDataIsRefusedWithAClearMessage(String sql) {
        String before = eventsFingerprint();

        Cli.Result r = query(sql);

        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).as(r.toString()).startsWith("error: ").contains("'query' is read-only");
        assertThat(eventsFingerprint()).isEqualTo(before);
        assertThat(TestDatabase.count(db, "select count(*) from information_schema.tables"
                + " where table_schema = ? and table_name in ('x', 'widgets')", schema)).isZero();
    }

    @Test
    void aSqlErrorExitsWithOneAndTheServersMessage() {
        Cli.Result r = query("select no_such_column from events");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("column \"no_such_column\" does not exist");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void queriesSeeOnlyTheirSchemasTables() {
        Cli.Result r = query("select count(*) as n from events", "--format", "csv");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("n\n2\n");
        assertThat(r.err()).isEmpty();
    }
}
