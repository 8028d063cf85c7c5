package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.schema.StripeModelFields;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The typed columns hold what the raw JSON says, for Stripe's own sample object of every type
 * (stripe-fixtures3.json, from Stripe's OpenAPI repository, MIT: see stripe-fixtures3.LICENSE),
 * each delivered as an event through the apply path.
 */
class TypedValuesTest {

    /** Numbers are equal when their values are (jsonb keeps 25.5 and 25.50 apart no more than Stripe does). */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

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

    /** A fixture resource as delivered: its type, its id (made unique) and the object sent. */
    private record Sample(String name, String type, String id, ObjectNode object) {
    }

    @Test
    void everyTypedColumnOfEveryFixtureTypeEqualsTheRawJson() throws Exception {
        List<Sample> samples = samples();
        List<String> events = new ArrayList<>();
        long created = 1_700_000_000L;
        for (Sample s : samples) {
            boolean stub = s.object().path("deleted").asBoolean(false);
            events.add(event("evt_fixture_" + s.name(), s.type() + (stub ? ".deleted" : ".created"), created++,
                    s.object()));
        }

        assertThat(applying.apply(events)).as("every fixture is applied").containsOnly(Outcome.APPLIED);

        Map<String, String> tables = tablesByType();
        Map<String, Map<String, String>> columnTypes = columnTypesByType();
        List<String> problems = new ArrayList<>();
        Set<String> typesSeen = new HashSet<>();
        for (Sample s : samples) {
            String table = tables.get(s.type());
            if (table == null) {
                problems.add(s.name() + ": no table for type " + s.type());
                continue;
            }
            typesSeen.add(s.type());
            problems.addAll(compare(s, table, columnTypes.getOrDefault(s.type(), Map.of())));
        }

        assertThat(problems).as("typed columns that differ from the raw JSON").isEmpty();
        assertThat(typesSeen).as("types checked").hasSizeGreaterThan(140);
    }

    @Test
    void theAsOfFunctionOfEveryFixtureTypeGivesTheSameTypedValuesAsItsTable() throws Exception {
        List<Sample> samples = samples();
        List<String> events = new ArrayList<>();
        for (Sample s : samples) {
            boolean stub = s.object().path("deleted").asBoolean(false);
            events.add(event("evt_fixture_" + s.name(), s.type() + (stub ? ".deleted" : ".created"), 1_700_000_000L,
                    s.object()));
        }
        applying.apply(events);

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> t : tablesByType().entrySet()) {
            String table = t.getValue();
            String columns = TestDatabase.rows(db, """
                    select string_agg(format('%I', column_name), ', ' order by ordinal_position)
                    from information_schema.columns
                    where table_schema = current_schema() and table_name = ? and column_name <> 'updated_at'""",
                    table).getFirst().getFirst();
            String differ = "select count(*) from ((select %1$s from %2$s where not deleted except all"
                    + " select %1$s from %3$s('infinity'))"
                    + " union all (select %1$s from %3$s('infinity') except all"
                    + " select %1$s from %2$s where not deleted)) as d";
            long n = TestDatabase.count(db, differ.formatted(columns, quote(table), quote(table + "_as_of")));
            if (n != 0) {
                problems.add(table + "_as_of('infinity') differs from " + table + " in " + n + " row(s)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aReferenceColumnHoldsTheIdWhetherTheFieldCameExpandedOrNot() throws Exception {
        ObjectNode customer = (ObjectNode) fixtures().get("customer");
        ObjectNode plain = ((ObjectNode) fixtures().get("charge")).deepCopy();
        plain.put("id", "ch_plain");
        plain.put("customer", customer.get("id").asText());
        ObjectNode expanded = plain.deepCopy();
        expanded.put("id", "ch_expanded");
        expanded.set("customer", customer);
        ObjectNode balanceTransaction = (ObjectNode) fixtures().get("balance_transaction");
        expanded.set("balance_transaction", balanceTransaction);

        applying.apply(List.of(event("evt_plain", "charge.succeeded", 100, plain),
                event("evt_expanded", "charge.succeeded", 100, expanded)));

        assertThat(TestDatabase.rows(db, "select id, customer, balance_transaction, data->'customer'->>'object'"
                + " from charges order by id")).containsExactly(
                        List.of("ch_expanded", customer.get("id").asText(), balanceTransaction.get("id").asText(),
                                "customer"),
                        Arrays.asList("ch_plain", customer.get("id").asText(), plain.get("balance_transaction").asText(),
                                null));
        // The expanded object stays whole in data.
        assertThat(TestDatabase.rows(db, "select (data->'customer' = ?::jsonb)::text from charges where id = 'ch_expanded'",
                customer.toString())).containsExactly(List.of("true"));
    }

    @Test
    void aFieldNobodyKnewGetsAColumnOfItsInferredTypeWhenItFirstArrives() throws Exception {
        applying.apply(event("evt_c1", "customer.created", 100,
                Json.MAPPER.readTree("{\"id\":\"cus_old\",\"object\":\"customer\",\"email\":\"old@example.com\"}")));
        assertThat(columnType("customers", "loyalty_tier")).isNull();

        applying.apply(event("evt_c2", "customer.created", 200, Json.MAPPER.readTree("""
                {"id":"cus_new","object":"customer","email":"new@example.com",
                 "loyalty_tier":"gold","loyalty_reviewed_at":1700000000,"loyalty_points":1200,
                 "loyalty_ratio":0.25,"loyalty_active":true,"loyalty_badges":["a","b"],"loyalty_note":null}""")));

        assertThat(columnType("customers", "loyalty_tier")).isEqualTo("text");
        assertThat(columnType("customers", "loyalty_reviewed_at")).isEqualTo("timestamp with time zone");
        assertThat(columnType("customers", "loyalty_points")).isEqualTo("bigint");
        assertThat(columnType("customers", "loyalty_ratio")).isEqualTo("numeric");
        assertThat(columnType("customers", "loyalty_active")).isEqualTo("boolean");
        assertThat(columnType("customers", "loyalty_badges")).isEqualTo("jsonb");
        assertThat(columnType("customers", "loyalty_note")).isEqualTo("jsonb");
        assertThat(TestDatabase.rows(db, "select object_type, name, column_type, origin from fields"
                + " where name like 'loyalty%' order by name")).containsExactly(
                        List.of("customer", "loyalty_active", "boolean", "observed"),
                        List.of("customer", "loyalty_badges", "jsonb", "observed"),
                        List.of("customer", "loyalty_note", "jsonb", "observed"),
                        List.of("customer", "loyalty_points", "bigint", "observed"),
                        List.of("customer", "loyalty_ratio", "numeric", "observed"),
                        List.of("customer", "loyalty_reviewed_at", "timestamp", "observed"),
                        List.of("customer", "loyalty_tier", "text", "observed"));
        assertThat(TestDatabase.rows(db, """
                select id, loyalty_tier, loyalty_reviewed_at = to_timestamp(1700000000), loyalty_points::text,
                       loyalty_ratio::text, loyalty_active::text, loyalty_badges::text, loyalty_note::text
                from customers order by id""")).containsExactly(
                        Arrays.asList("cus_new", "gold", "t", "1200", "0.25", "true", "[\"a\", \"b\"]", null),
                        Arrays.asList("cus_old", null, null, null, null, null, null, null));
        assertThat(TestDatabase.rows(db, "select id from customers where loyalty_tier = 'gold'"))
                .containsExactly(List.of("cus_new"));
        // The functions generated from the column list know the new column too.
        assertThat(TestDatabase.rows(db, "select id, loyalty_tier from customers_as_of('infinity') order by id"))
                .containsExactly(List.of("cus_new", "gold"), Arrays.asList("cus_old", null));

        // Later versions fill it in or change it like any other column.
        applying.apply(event("evt_c3", "customer.updated", 300, Json.MAPPER.readTree(
                "{\"id\":\"cus_old\",\"object\":\"customer\",\"loyalty_tier\":\"silver\"}")));
        assertThat(TestDatabase.rows(db, "select id, loyalty_tier from customers order by id"))
                .containsExactly(List.of("cus_new", "gold"), List.of("cus_old", "silver"));
    }

    @Test
    void rowsStoredBeforeAFieldHadAColumnGetTheirValueWhenTheColumnIsAdded() throws Exception {
        applying.apply(event("evt_c1", "customer.created", 100, Json.MAPPER.readTree(
                "{\"id\":\"cus_early\",\"object\":\"customer\",\"loyalty_tier\":\"bronze\"}")));
        // As if the row came from before the column existed (data written by an older OpenSigma):
        // the field is in data, but neither a column nor a known field.
        applying.close();
        execute("delete from fields where name = 'loyalty_tier'");
        execute("alter table customers drop column loyalty_tier");
        applying = new Applying(db, 2, 100);
        assertThat(columnType("customers", "loyalty_tier")).isNull();

        applying.apply(event("evt_c2", "customer.created", 200, Json.MAPPER.readTree(
                "{\"id\":\"cus_late\",\"object\":\"customer\",\"loyalty_tier\":\"gold\"}")));

        assertThat(TestDatabase.rows(db, "select id, loyalty_tier from customers order by id"))
                .containsExactly(List.of("cus_early", "bronze"), List.of("cus_late", "gold"));
    }

    @Test
    void anObjectTypeNobodyKnewGetsATableWithAColumnPerField() throws Exception {
        assertThat(StripeModelFields.byObjectType()).doesNotContainKey("loyalty.program");

        applying.apply(event("evt_l1", "loyalty.program.created", 100, Json.MAPPER.readTree("""
                {"id":"lp_1","object":"loyalty.program","name":"Gold","created":1700000000,"tiers":3,
                 "customer":"cus_1","metadata":{"k":"v"}}""")));

        assertThat(TestDatabase.rows(db, "select table_name from object_types where object_type = 'loyalty.program'"))
                .containsExactly(List.of("loyalty_programs"));
        assertThat(TestDatabase.rows(db, """
                select id, object, name, created = to_timestamp(1700000000), tiers::text, customer, metadata->>'k'
                from loyalty_programs""")).containsExactly(List.of("lp_1", "loyalty.program", "Gold", "t", "3", "cus_1", "v"));
        assertThat(TestDatabase.rows(db, "select loyalty_program_id, key, value from loyalty_programs_metadata"))
                .containsExactly(List.of("lp_1", "k", "v"));
        assertThat(TestDatabase.rows(db, "select id, name from loyalty_programs_as_of('infinity')"))
                .containsExactly(List.of("lp_1", "Gold"));
        assertThat(TestDatabase.rows(db, "select object_type, id from objects where id = 'lp_1'"))
                .containsExactly(List.of("loyalty.program", "lp_1"));
    }

    @Test
    void theReadersGiveNullRatherThanFailWhenAValueDoesNotFit() {
        assertThat(TestDatabase.rows(db, """
                select read_bigint('1.5'), read_bigint('"12"'), read_bigint('99999999999999999999'),
                       read_numeric('"1e999999"'), read_numeric('"12abc"'), read_numeric('true'),
                       read_boolean('"true"'), read_timestamp('1.5'), read_timestamp('-999999999999'),
                       read_timestamp('9999999999999'), read_timestamp('"1700000000"'),
                       read_reference('{"no_id":1}'), read_reference('123'), read_jsonb('null'), read_text('null')"""))
                .containsExactly(java.util.Collections.nCopies(15, null));
        assertThat(TestDatabase.rows(db, """
                select read_bigint('-12'), read_numeric('"2000.50"'), read_numeric('"-0.000000000001"'),
                       read_numeric('25.5'), read_boolean('false'), read_timestamp('0') = 'epoch',
                       read_reference('"cus_1"'), read_reference('{"id":"cus_2","object":"customer"}'),
                       read_text('"a"'), read_text('12'), read_text('{"a": 1}'), read_jsonb('[1]')"""))
                .containsExactly(List.of("-12", "2000.50", "-0.000000000001", "25.5", "f", "t", "cus_1", "cus_2", "a",
                        "12", "{\"a\": 1}", "[1]"));
    }

    // ---------------------------------------------------------------------------------------------

    /** Compares one stored row with the object that was sent, column by column. */
    private List<String> compare(Sample s, String table, Map<String, String> columnTypes) throws SQLException {
        List<String> problems = new ArrayList<>();
        String where = s.type() + " " + s.id() + " (" + s.name() + ") in " + table;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select * from " + quote(table) + " where id = ?")) {
            st.setString(1, s.id());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return List.of(where + ": no row");
                }
                ResultSetMetaData md = rs.getMetaData();
                Set<String> columns = new HashSet<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnName(i));
                }
                JsonNode data = Json.MAPPER.readTree(rs.getString("data"));
                if (!data.equals(SAME_VALUE, s.object())) {
                    problems.add(where + ": data differs from the object sent");
                }
                boolean stub = s.object().path("deleted").asBoolean(false);
                if (rs.getBoolean("deleted") != stub) {
                    problems.add(where + ": deleted is " + rs.getBoolean("deleted") + ", expected " + stub);
                }
                for (Iterator<String> it = s.object().fieldNames(); it.hasNext(); ) {
                    String field = it.next();
                    if (!StripeModelFields.RESERVED.contains(field) && !columnTypes.containsKey(field)) {
                        problems.add(where + ": field " + field + " has no column");
                    }
                }
                for (Map.Entry<String, String> col : columnTypes.entrySet()) {
                    String column = col.getKey();
                    if (!columns.contains(column)) {
                        problems.add(where + ": known field " + column + " has no column");
                        continue;
                    }
                    JsonNode json = s.object().get(column);
                    String problem = check(rs, column, col.getValue(), json);
                    if (problem != null) {
                        problems.add(where + "." + column + " (" + col.getValue() + "): " + problem);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return problems;
    }

    /** Null when the column holds what the JSON value says, else what differs. */
    private static String check(ResultSet rs, String column, String columnType, JsonNode json)
            throws SQLException, java.io.IOException {
        boolean absent = json == null || json.isNull();
        Object actual;
        Object expected;
        switch (columnType) {
            case "text" -> {
                actual = rs.getString(column);
                if (absent || json.isTextual()) {
                    expected = absent ? null : json.textValue();
                } else {
                    // Not a string: the JSON text of the value.
                    JsonNode stored = actual == null ? null : Json.MAPPER.readTree((String) actual);
                    return stored != null && stored.equals(SAME_VALUE, json) ? null
                            : "expected the JSON text of " + json + ", got " + actual;
                }
            }
            case "reference" -> {
                actual = rs.getString(column);
                expected = absent ? null : json.isTextual() ? json.textValue()
                        : json.isObject() ? json.path("id").textValue() : "(not a reference: " + json + ")";
            }
            case "bigint" -> {
                actual = rs.getObject(column) == null ? null : rs.getLong(column);
                expected = absent ? null : json.isIntegralNumber() && json.canConvertToLong() ? json.longValue()
                        : "(not an integer: " + json + ")";
            }
            case "numeric" -> {
                BigDecimal value = rs.getBigDecimal(column);
                actual = value == null ? null : value.stripTrailingZeros().toPlainString();
                BigDecimal want = absent ? null : json.isNumber() ? json.decimalValue()
                        : json.isTextual() ? new BigDecimal(json.textValue()) : null;
                expected = absent ? null : want == null ? "(not a number: " + json + ")"
                        : want.stripTrailingZeros().toPlainString();
            }
            case "boolean" -> {
                actual = rs.getObject(column) == null ? null : rs.getBoolean(column);
                expected = absent ? null : json.isBoolean() ? json.booleanValue() : "(not a boolean: " + json + ")";
            }
            case "timestamp" -> {
                OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
                actual = value == null ? null : value.toInstant();
                expected = absent ? null : json.isIntegralNumber() ? Instant.ofEpochSecond(json.longValue())
                        : "(not Unix seconds: " + json + ")";
            }
            case "jsonb" -> {
                String value = rs.getString(column);
                if (absent) {
                    return value == null ? null : "expected SQL null, got " + value;
                }
                JsonNode stored = value == null ? null : Json.MAPPER.readTree(value);
                return stored != null && stored.equals(SAME_VALUE, json) ? null : "expected " + json + ", got " + value;
            }
            default -> {
                return "unknown column type " + columnType;
            }
        }
        return Objects.equals(expected, actual) ? null : "expected " + expected + ", got " + actual;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Map<String, String> tablesByType() {
        Map<String, String> tables = new TreeMap<>();
        for (List<String> row : TestDatabase.rows(db, "select object_type, table_name from object_types")) {
            tables.put(row.get(0), row.get(1));
        }
        return tables;
    }

    private Map<String, Map<String, String>> columnTypesByType() {
        Map<String, Map<String, String>> types = new TreeMap<>();
        for (List<String> row : TestDatabase.rows(db, "select object_type, name, column_type from fields")) {
            types.computeIfAbsent(row.get(0), k -> new TreeMap<>()).put(row.get(1), row.get(2));
        }
        return types;
    }

    private String columnType(String table, String column) {
        List<List<String>> rows = TestDatabase.rows(db, "select data_type from information_schema.columns"
                + " where table_schema = current_schema() and table_name = ? and column_name = ?", table, column);
        return rows.isEmpty() ? null : rows.getFirst().getFirst();
    }

    /**
     * Every resource of the fixtures, with an id where it lacks one and a distinct id where another
     * resource of its type already has it (the deletion stubs share their object's id), so that each
     * is a row of its own.
     */
    private static List<Sample> samples() throws java.io.IOException {
        List<Sample> samples = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fixtures().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode object = ((ObjectNode) e.getValue()).deepCopy();
            String type = object.path("object").asText();
            String id = object.path("id").isTextual() ? object.get("id").asText() : "fixture_" + e.getKey();
            if (!used.add(type + " " + id)) {
                id = id + "_" + e.getKey();
                used.add(type + " " + id);
            }
            object.put("id", id);
            samples.add(new Sample(e.getKey(), type, id, object));
        }
        return samples;
    }

    private static JsonNode fixtures() throws java.io.IOException {
        try (InputStream in = TypedValuesTest.class.getResourceAsStream("/stripe-fixtures3.json")) {
            return Json.MAPPER.readTree(Objects.requireNonNull(in, "stripe-fixtures3.json")).get("resources");
        }
    }

    private static String event(String id, String type, long created, JsonNode object) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("id", id);
        event.put("object", "event");
        event.put("type", type);
        event.put("created", created);
        event.putObject("data").set("object", object);
        return event.toString();
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
