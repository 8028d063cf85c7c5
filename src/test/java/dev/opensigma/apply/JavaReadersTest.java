package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.schema.ColumnType;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.TestDatabase;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The typed values and search text the apply path computes in Java ({@link TypedValues},
 * {@link SearchText}) are exactly what the SQL functions that define them (read_*, search_text)
 * give, for awkward values as well as for Stripe's sample objects.
 */
class JavaReadersTest {

    private static Database db;

    /** Values each reader must treat as the SQL one does. */
    private static final List<String> VALUES = List.of(
            "\"text\"", "\"\"", "\"ünïcødé \\\" \\\\ \\n\"", "12", "-12", "0", "-0", "5.0", "1E+2", "1.0E+2", "1.50E-1",
            "123456789012345678", "1234567890123456789", "-123456789012", "999999999999", "1000000000000",
            "-99999999999", "-100000000000", "1700000000", "12.50", "true", "false", "null", "\"12.50\"", "\"-3\"",
            "\"1e5\"", "\"abc\"", "{\"id\": \"cus_1\", \"object\": \"customer\"}", "{\"id\": 42}", "{\"id\": null}",
            "{\"no_id\": 1}", "{\"id\": {\"x\": [1, 2.50]}}", "[1, \"a\", {\"b\": null}]", "{}", "[]",
            "{\"b\": 1, \"aa\": [true, null], \"a\": \"x\"}");

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void typedValuesAreWhatTheReadersGive() throws Exception {
        List<String> problems = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            for (ColumnType type : ColumnType.values()) {
                if (type == ColumnType.JSONB) {
                    continue; // taken from data by the statement itself
                }
                String recordType = switch (type) {
                    case TIMESTAMP -> "bigint";
                    case REFERENCE -> "text";
                    default -> type.sqlType();
                };
                String fromJava = type == ColumnType.TIMESTAMP ? "to_timestamp(x.f)::text" : "x.f::text";
                try (PreparedStatement s = c.prepareStatement("select " + type.reader() + "(?::jsonb)::text, (select "
                        + fromJava + " from jsonb_to_record(?::jsonb) as x(f " + recordType + "))")) {
                    for (String value : VALUES) {
                        ObjectNode data = Json.MAPPER.createObjectNode();
                        data.set("f", Json.MAPPER.readTree(value));
                        String typed = TypedValues.json(data, Map.of("f", type));
                        // As the versions hold it: Jackson's text of the value, read by PostgreSQL.
                        s.setString(1, Json.MAPPER.writeValueAsString(data.get("f")));
                        s.setString(2, typed);
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            if (!Objects.equals(rs.getString(1), rs.getString(2))) {
                                problems.add(type + " of " + value + ": SQL " + rs.getString(1) + ", Java " + rs.getString(2)
                                        + " (" + typed + ")");
                            }
                        }
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void searchTextIsWhatTheSqlFunctionGives() throws Exception {
        List<JsonNode> objects = new ArrayList<>();
        try (InputStream in = JavaReadersTest.class.getResourceAsStream("/stripe-fixtures3.json")) {
            for (Iterator<JsonNode> it = Json.MAPPER.readTree(in).get("resources").elements(); it.hasNext(); ) {
                objects.add(it.next());
            }
        }
        for (String value : VALUES) {
            objects.add(Json.MAPPER.readTree("{\"id\": \"x_1\", \"email\": " + value + ", \"billing_details\": {\"name\": "
                    + value + "}, \"card\": " + value + ", \"metadata\": {\"k\": " + value + ", \"kk\": \"v\", \"é\": \"1\","
                    + " \"b\": \"\", \"a\": null}}"));
        }
        objects.add(Json.MAPPER.readTree("{\"id\": \"x_2\", \"name\": \"" + "ab€".repeat(40_000) + "\"}"));
        objects.add(Json.MAPPER.readTree("{\"id\": \"x_3\", \"name\": \"" + "a\uD83D\uDE00".repeat(40_000) + "\"}"));
        List<String> problems = new ArrayList<>();
        int fromJava = 0;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("select search_text(?::jsonb)")) {
            for (JsonNode object : objects) {
                String java = SearchText.of(object);
                if (java == null) {
                    continue; // the statement asks the SQL function
                }
                fromJava++;
                s.setString(1, Json.MAPPER.writeValueAsString(object));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (!java.equals(rs.getString(1))) {
                        String sql = rs.getString(1);
                        problems.add(object.path("id").asText() + ": SQL [" + abbreviate(sql) + "], Java [" + abbreviate(java) + "]");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(fromJava).as("objects whose search text Java computed").isGreaterThan(objects.size() * 3 / 4);
    }

    private static String abbreviate(String s) {
        return s == null || s.length() < 300 ? s : s.substring(0, 300) + "...";
    }
}
