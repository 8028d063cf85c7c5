package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.sim.SyntheticEvents;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opensigma import FILE}: replays NDJSON through the apply path, idempotently. */
class ImportCommandTest {

    private static final Pattern SUMMARY = Pattern.compile("Imported (\\S+): (\\d+) applied, (\\d+) archived without an"
            + " object, (\\d+) already stored, (\\d+) invalid line\\(s\\), (\\d+) failed\\.");

    @TempDir
    Path dir;

    record Summary(long applied, long archived, long duplicate, long invalid, long failed) {
    }

    private static Summary summary(Cli.Result r) {
        Matcher m = SUMMARY.matcher(r.out());
        assertThat(m.find()).as("summary line in\n" + r).isTrue();
        return new Summary(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5)), Long.parseLong(m.group(6)));
    }

    /** Row counts and a checksum of every version in history and of the current state. */
    private static String fingerprint(Database db) {
        return TestDatabase.rows(db, """
                select (select count(*) from events) || ' events, '
                    || (select count(*) from object_versions) || ' versions, '
                    || (select count(*) from objects) || ' objects, history '
                    || (select md5(string_agg(concat_ws(':', object_type, id, version, valid_from, valid_to, event_id,
                                                        deleted, account, version_id, recorded_at, data::text),
                                              '|' order by object_type, id, version)) from history)
                    || ', objects '
                    || (select md5(string_agg(concat_ws(':', object_type, id, deleted, version_id, event_id, updated_at,
                                                        data::text), '|' order by object_type, id)) from objects)
                    || ', events '
                    || (select md5(string_agg(concat_ws(':', id, source, received_at, raw), '|' order by id)) from events)
                """).getFirst().getFirst();
    }

    @Test
    void importsSyntheticEventsToTheirTrueFinalStateAndASecondImportChangesNothing() throws Exception {
        SyntheticEvents sim = new SyntheticEvents(42, 1_760_000_000L);
        List<String> events = sim.generate(50);
        Path file = dir.resolve("events.ndjson");
        Files.write(file, events, StandardCharsets.UTF_8);
        long withObject = events.stream().filter(ImportCommandTest::hasObject).count();
        assertThat(events).hasSizeGreaterThan(200);
        assertThat(withObject).isLessThan(events.size()); // some events carry no object (archived)
        String schema = Cli.freshSchema("cli_import");

        Cli.Result first = Cli.onSchema(schema, "import", file.toString());

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(summary(first)).isEqualTo(new Summary(withObject, events.size() - withObject, 0, 0, 0));
        assertThat(first.out()).contains("Imported events.ndjson:");
        assertThat(first.err()).as("progress is plain lines when there is no terminal").doesNotContain("\r")
                .contains("100%");
        try (Database db = Cli.admin(schema)) {
            assertThat(TestDatabase.count(db, "select count(*) from events")).isEqualTo(events.size());
            assertThat(TestDatabase.rows(db, "select distinct source from events")).containsExactly(List.of("import"));
            Map<String, SyntheticEvents.FinalState> truth = sim.truth();
            assertThat(TestDatabase.count(db, "select count(*) from objects where parent_id is null")).isEqualTo(truth.size());
            for (SyntheticEvents.FinalState expected : truth.values()) {
                List<List<String>> rows = TestDatabase.rows(db,
                        "select data::text, deleted, account from objects where object_type = ? and id = ?",
                        expected.objectType(), expected.id());
                assertThat(rows).as(expected.objectType() + " " + expected.id()).hasSize(1);
                List<String> row = rows.getFirst();
                // Through text, so that 5 as an int and 5 as a long compare equal.
                JsonNode want = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(expected.data()));
                assertThat(Json.MAPPER.readTree(row.get(0))).as(expected.objectType() + " " + expected.id())
                        .isEqualTo(want);
                assertThat(row.get(1)).as("deleted " + expected.id()).isEqualTo(expected.deleted() ? "t" : "f");
                assertThat(row.get(2)).as("account " + expected.id()).isEqualTo(expected.account());
            }
            String before = fingerprint(db);

            Cli.Result again = Cli.onSchema(schema, "import", file.toString());

            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(summary(again)).isEqualTo(new Summary(0, 0, events.size(), 0, 0));
            assertThat(fingerprint(db)).isEqualTo(before);
        }
    }

    private static boolean hasObject(String event) {
        try {
            JsonNode object = Json.MAPPER.readTree(event).path("data").path("object");
            return object.path("id").isTextual() && object.path("object").isTextual();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String event(String id, String customerId, String email) {
        return ("{\"id\":\"%s\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\",\"created\":1760000000,"
                + "\"data\":{\"object\":{\"id\":\"%s\",\"object\":\"customer\",\"email\":\"%s\"}},\"livemode\":false,"
                + "\"type\":\"customer.created\"}").formatted(id, customerId, email);
    }

    @Test
    void invalidLinesAreReportedByNumberAndTheRestIsImported() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>(List.of(
                event("evt_ok_1", "cus_ok_1", "a@example.com"),                     // 1
                "this is not json",                                                  // 2
                event("evt_ok_2", "cus_ok_2", "b@example.com"),                     // 3
                "{\"id\":\"ch_1\",\"object\":\"charge\",\"type\":\"x\",\"created\":1}", // 4: JSON, not an event
                "[1,2,3]",                                                           // 5
                "",                                                                  // 6: blank, ignored
                event("evt_trailing", "cus_trailing", "t@example.com") + " {\"x\":1}", // 7: two values on a line
                event("evt_ok_3", "cus_ok_3", "c@example.com")));                   // 8
        for (String line : lines) {
            bytes.write(line.getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
        }
        // 9: not UTF-8 at all
        bytes.write("{\"id\":\"evt_latin1\",\"object\":\"event\",\"note\":\"caf".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9);
        bytes.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.write((event("evt_ok_4", "cus_ok_4", "d@example.com") + "\n").getBytes(StandardCharsets.UTF_8)); // 10
        Path file = dir.resolve("mixed.ndjson");
        Files.write(file, bytes.toByteArray());
        String schema = Cli.freshSchema("cli_import_bad");

        Cli.Result r = Cli.onSchema(schema, "import", file.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(summary(r)).as(r.toString()).isEqualTo(new Summary(4, 0, 0, 5, 0));
        List<String> skipped = r.err().lines().filter(l -> l.startsWith("  skipped ")).toList();
        assertThat(skipped).as(r.toString()).hasSize(5);
        assertThat(skipped.get(0)).startsWith("  skipped line 2: ").contains("not valid JSON");
        assertThat(skipped.get(1)).startsWith("  skipped line 4: ").contains("'object'");
        assertThat(skipped.get(2)).startsWith("  skipped line 5: ").contains("JSON object");
        assertThat(skipped.get(3)).startsWith("  skipped line 7: ").contains("Trailing token");
        assertThat(skipped.get(4)).startsWith("  skipped line 9: ").containsIgnoringCase("UTF-8");
        try (Database db = Cli.admin(schema)) {
            assertThat(TestDatabase.rows(db, "select id from events order by id")).containsExactly(
                    List.of("evt_ok_1"), List.of("evt_ok_2"), List.of("evt_ok_3"), List.of("evt_ok_4"));
            assertThat(TestDatabase.rows(db, "select id, data->>'email' from customers order by id")).containsExactly(
                    List.of("cus_ok_1", "a@example.com"), List.of("cus_ok_2", "b@example.com"),
                    List.of("cus_ok_3", "c@example.com"), List.of("cus_ok_4", "d@example.com"));
            // Everything stored as raw is valid JSON, so raw::jsonb works on the whole table.
            assertThat(TestDatabase.count(db, "select count(raw::jsonb) from events")).isEqualTo(4);
        }
    }

    @Test
    void windowsLineEndingsAndAMissingFinalNewlineAreFine() throws Exception {
        Path file = dir.resolve("crlf.ndjson");
        Files.writeString(file, event("evt_crlf_1", "cus_crlf_1", "a@example.com") + "\r\n"
                + event("evt_crlf_2", "cus_crlf_2", "b@example.com"), StandardCharsets.UTF_8);
        String schema = Cli.freshSchema("cli_import_crlf");

        Cli.Result r = Cli.onSchema(schema, "import", file.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(summary(r)).isEqualTo(new Summary(2, 0, 0, 0, 0));
        assertThat(r.err()).contains("100%");
    }

    @Test
    void aMissingFileIsAClearErrorWithExitTwo() {
        Path missing = dir.resolve("no-such-file.ndjson");

        Cli.Result r = Cli.onSchema(Cli.freshSchema("cli_import_missing"), "import", missing.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: cannot read " + missing.toAbsolutePath());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aDirectoryIsNotAFile() {
        Cli.Result r = Cli.onSchema(Cli.freshSchema("cli_import_dir"), "import", dir.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: cannot read " + dir.toAbsolutePath());
    }
}
