package dev.opensigma.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.sim.SyntheticEvents;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V4: as-of functions that read the current table for unchanged objects must return exactly the
 * newest version at or before the moment, as V2's did; short text columns stay in the row; and a
 * database upgraded from V3 (the schema before V4) with data gets both.
 */
class QuerySpeedMigrationTest {

    private static final List<String> TYPES = List.of("customer", "subscription", "subscription_item", "invoice",
            "line_item", "charge", "product", "price", "payment_intent", "radar.early_fraud_warning");

    /** What an as-of function must return: V2's definition, straight from the versions. */
    private static final String REFERENCE = """
            select v.id, v.version_id, v.valid_from, v.data::text
            from (select distinct on (v.id) v.* from object_versions v
                  where v.object_type = ? and v.valid_from <= ?::timestamptz
                  order by v.id, v.second desc, v.seq desc, v.version_id desc) as v
            where not v.deleted
            order by v.id""";

    @Test
    void asOfIsTheNewestVersionAtOrBeforeTheMomentAtEveryMoment() throws Exception {
        try (Database db = TestDatabase.fresh()) {
            load(db, 7);
            assertAsOfMatchesReference(db);
        }
    }

    @Test
    void shortTextColumnsStayInTheRow() throws Exception {
        try (Database db = TestDatabase.fresh()) {
            load(db, 11);
            assertThat(TestDatabase.rows(db, """
                    select distinct c.relname, a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid
                    join object_types t on t.table_name = c.relname and c.relnamespace = current_schema()::regnamespace
                    where a.attnum > 0 and not a.attisdropped and a.atttypid = 'text'::regtype and a.attstorage <> 'm'""")).isEmpty();
            // Stored inline (1-byte header), not as a TOAST pointer to the bare 27 bytes.
            assertThat(TestDatabase.count(db, "select count(*) from charges where pg_column_size(id) <> octet_length(id) + 1"))
                    .isZero();
            assertThat(TestDatabase.count(db, "select count(*) from charges")).isPositive();
        }
    }

    @Test
    void aDatabaseFromV3WithDataIsUpgraded() throws Exception {
        DatabaseSettings settings = TestDatabase.freshSettings();
        try (Database db = Database.open(settings, 8)) {
            Flyway.configure().dataSource(db.dataSource()).schemas(settings.schema()).defaultSchema(settings.schema())
                    .createSchemas(true).locations("classpath:db/migration").target("3").load().migrate();
            loadAsV3Did(db, 13);
            assertThat(TestDatabase.rows(db, "select pg_get_functiondef('subscriptions_as_of(timestamptz)'::regprocedure)"
                    + " like '%epoch_second%'")).containsExactly(List.of("f"));
            String before = dumpAsOf(db);

            db.migrate();

            assertThat(TestDatabase.rows(db, "select pg_get_functiondef('subscriptions_as_of(timestamptz)'::regprocedure)"
                    + " like '%epoch_second%'")).containsExactly(List.of("t"));
            assertThat(TestDatabase.count(db, "select count(*) from pg_attribute where attrelid = 'charges'::regclass"
                    + " and attname = 'id' and attstorage = 'm'")).isOne();
            assertThat(dumpAsOf(db)).isEqualTo(before);
            assertAsOfMatchesReference(db);
        }
    }

    /**
     * The state the apply path of V3's time left: the versions {@link #load} files (applied in a
     * fully migrated schema and copied), and each type's table and search rows filled by V3's own
     * refresh statement (today's apply path speaks to today's schema only).
     */
    private static void loadAsV3Did(Database db, long seed) throws Exception {
        try (Database source = TestDatabase.fresh()) {
            load(source, seed);
            try (Applier tables = new Applier(db.dataSource(), 1, 1, 1, outcomes -> { })) {
                tables.start(TestDatabase.rows(source, "select object_type from object_types order by 1").stream()
                        .map(List::getFirst).toList()); // creates the tables, V3's way
            }
            String from = source.schema();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                // The columns V3 had (later migrations add some).
                String columns = TestDatabase.rows(db, "select string_agg(quote_ident(column_name), ', '"
                        + " order by ordinal_position) from information_schema.columns"
                        + " where table_schema = ? and table_name = 'object_versions'", db.schema()).getFirst().getFirst();
                s.execute("insert into object_versions (" + columns + ") overriding system value select " + columns
                        + " from \"" + from + "\".object_versions");
                s.execute("insert into events select * from \"" + from + "\".events");
                List<List<String>> types = TestDatabase.rows(db, "select object_type, refresh_sql from object_types");
                for (List<String> type : types) {
                    try (PreparedStatement refresh = c.prepareStatement(type.get(1))) {
                        refresh.setArray(1, c.createArrayOf("text", TestDatabase.rows(db,
                                "select distinct id from object_versions where object_type = ?", type.getFirst()).stream()
                                .map(List::getFirst).toArray()));
                        refresh.executeUpdate();
                    }
                }
                s.execute("insert into search_documents (object_type, id, account, deleted, body)"
                        + " select object_type, id, account, deleted, search_text(data) from objects");
            }
        }
    }

    /** Synthetic events (same-second bursts, deletions) in a shuffled order, plus sub-second snapshots. */
    private static void load(Database db, long seed) throws Exception {
        SyntheticEvents stream = new SyntheticEvents(seed, 1_760_000_000L);
        List<String> events = new ArrayList<>(stream.generate(120));
        Collections.shuffle(events, new Random(seed));
        try (Applying applying = new Applying(db, 2, 25)) {
            applying.apply(events);
            // Snapshots observed at sub-second moments, some in a second that already holds a version.
            List<List<String>> customers = TestDatabase.rows(db,
                    "select data::text, extract(epoch from valid_from)::bigint from customers order by id limit 12");
            int k = 0;
            for (List<String> c : customers) {
                Instant at = Instant.ofEpochSecond(Long.parseLong(c.get(1)) + (k % 3 == 0 ? 0 : 400))
                        .plusMillis(250 + 100L * (k % 5));
                applying.apply(Observation.snapshot(Json.MAPPER.readTree(c.get(0).replace("@example.com", "@snapshot.test")),
                        at, null, "2026-07-29.dahlia"));
                k++;
            }
        }
    }

    private static void assertAsOfMatchesReference(Database db) {
        for (String type : TYPES) {
            String table = TestDatabase.rows(db, "select table_name from object_types where object_type = ?", type)
                    .getFirst().getFirst();
            TreeSet<String> moments = new TreeSet<>(List.of("-infinity", "infinity", "1970-01-01 00:00:00+00"));
            for (List<String> r : TestDatabase.rows(db, """
                    select valid_from::text, (valid_from - interval '1 microsecond')::text, (valid_from + interval '0.5 second')::text,
                           (date_trunc('second', valid_from) + interval '999999 microseconds')::text
                    from object_versions where object_type = ?""", type)) {
                moments.addAll(r);
            }
            assertThat(moments.size()).as("moments for %s", type).isGreaterThan(5);
            List<String> sample = new ArrayList<>(moments);
            int step = Math.max(1, sample.size() / 150);
            List<String> checked = new ArrayList<>(List.of("-infinity", "infinity"));
            for (int i = 0; i < sample.size(); i += step) {
                checked.add(sample.get(i));
            }
            for (String at : checked) {
                List<List<String>> expected = TestDatabase.rows(db, REFERENCE, type, at);
                List<List<String>> actual = TestDatabase.rows(db, "select id, version_id, valid_from, data::text from \""
                        + table + "_as_of\"(?::timestamptz) order by id", at);
                assertThat(actual).as("%s_as_of('%s')", table, at).isEqualTo(expected);
            }
        }
    }

    private static String dumpAsOf(Database db) {
        StringBuilder all = new StringBuilder();
        for (String at : List.of("2025-10-09 09:00:00+00", "2025-10-09 12:00:00+00", "2025-10-10 00:00:00+00", "infinity")) {
            all.append(TestDatabase.rows(db, "select id, status, customer, data::text from subscriptions_as_of(?::timestamptz)"
                    + " order by id", at)).append('\n');
            all.append(TestDatabase.rows(db, "select id, email, data::text from customers_as_of(?::timestamptz) order by id", at))
                    .append('\n');
        }
        return all.toString();
    }
}
