package dev.opensigma.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opensigma.apply.Applier;
import dev.opensigma.store.Database;
import dev.opensigma.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/schema.md is current, and what it says is what a migrated database has. */
class SchemaDocsTest {

    @Test
    void theCheckedInSchemaDocsAreCurrent() throws Exception {
        Path file = Path.of(System.getProperty("basedir", "."), "docs", "schema.md");
        if (!Files.exists(file)) {
            fail("docs/schema.md is missing: run ./opensigma schema-docs");
        }
        List<String> checkedIn = Files.readString(file).replace("\r\n", "\n").lines().toList();
        List<String> generated = SchemaDocs.markdown().lines().toList();
        for (int i = 0; i < Math.max(checkedIn.size(), generated.size()); i++) {
            String have = i < checkedIn.size() ? checkedIn.get(i) : "(end of file)";
            String want = i < generated.size() ? generated.get(i) : "(end of file)";
            if (!have.equals(want)) {
                fail("docs/schema.md is stale: run ./opensigma schema-docs\n(first difference at line " + (i + 1)
                        + ":\n  checked in: " + have + "\n  generated:  " + want + ")");
            }
        }
    }

    @Test
    void theOutputIsTheSameEveryTime() {
        assertThat(SchemaDocs.markdown()).isEqualTo(SchemaDocs.markdown());
    }

    @Test
    void everyObjectTypeStripeJavaKnowsHasASectionAndTheNamesDoNotCollide() {
        List<SchemaDocs.ObjectTable> tables = SchemaDocs.objectTables();
        assertThat(tables).extracting(SchemaDocs.ObjectTable::objectType)
                .containsAll(StripeModelFields.byObjectType().keySet());
        assertThat(tables).extracting(SchemaDocs.ObjectTable::table).doesNotHaveDuplicates()
                .doesNotContainAnyElementsOf(SchemaDocs.ownRelations().stream().map(SchemaDocs.Relation::name).toList());
        Set<String> relations = new HashSet<>();
        for (SchemaDocs.ObjectTable t : tables) {
            assertThat(relations.add(t.table())).as(t.table()).isTrue();
            if (t.metadataView() != null) {
                assertThat(relations.add(t.metadataView())).as(t.metadataView()).isTrue();
            }
            for (String view : t.viewsByParent().keySet()) {
                assertThat(relations.add(view)).as(view).isTrue();
            }
            Set<String> names = new HashSet<>();
            for (SchemaDocs.Column c : t.columns()) {
                assertThat(names.add(c.name())).as(t.table() + "." + c.name() + " appears once").isTrue();
            }
        }
        assertThat(SchemaDocs.markdown()).contains("| `radar.early_fraud_warning` | `early_fraud_warnings` |")
                .contains("### early_fraud_warnings").contains("| `customer` | text | `customer` (the id, also when expanded) |");
    }

    /**
     * Creates the table of every documented object type in a fresh schema, the way OpenSigma does
     * at start, and compares the database's tables, columns, types, views, functions and indexes
     * with the documentation.
     */
    @Test
    void whatTheDocsSayIsWhatTheDatabaseHas() throws Exception {
        List<SchemaDocs.ObjectTable> tables = SchemaDocs.objectTables();
        try (Database db = TestDatabase.fresh()) {
            new Applier(db.dataSource(), 1, 10, 10, outcomes -> { })
                    .start(tables.stream().map(SchemaDocs.ObjectTable::objectType).toList())
                    .close();
            List<String> problems = new ArrayList<>();

            Map<String, String> typeTables = new TreeMap<>();
            TestDatabase.rows(db, "select object_type, table_name from object_types")
                    .forEach(r -> typeTables.put(r.get(0), r.get(1)));
            Map<String, String> documentedTypeTables = new TreeMap<>();
            tables.forEach(t -> documentedTypeTables.put(t.objectType(), t.table()));
            if (!typeTables.equals(documentedTypeTables)) {
                problems.add("object_types differs from the documented tables: " + difference(documentedTypeTables.entrySet(),
                        typeTables.entrySet()));
            }

            Map<String, List<String>> columns = new HashMap<>();
            Map<String, String> kinds = new HashMap<>();
            for (List<String> r : TestDatabase.rows(db, """
                    select c.relname, c.relkind::text, a.attname, format_type(a.atttypid, a.atttypmod)
                    from pg_class c
                    join pg_namespace n on n.oid = c.relnamespace
                    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                    where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
                    order by c.relname, a.attnum""")) {
                kinds.put(r.get(0), r.get(1).equals("v") ? "view" : "table");
                columns.computeIfAbsent(r.get(0), k -> new ArrayList<>()).add(r.get(2) + " " + type(r.get(3)));
            }

            Set<String> documented = new TreeSet<>(Set.of("flyway_schema_history"));
            for (SchemaDocs.Relation r : SchemaDocs.ownRelations()) {
                documented.add(r.name());
                List<String> want = r.columns().stream().map(c -> c.name() + " " + c.type()).toList();
                if (!want.equals(columns.get(r.name())) || !r.kind().equals(kinds.get(r.name()))) {
                    problems.add(r.name() + " (" + r.kind() + ") is documented as " + want + " but the database has "
                            + kinds.get(r.name()) + " " + columns.get(r.name()));
                }
            }
            for (SchemaDocs.ObjectTable t : tables) {
                documented.add(t.table());
                List<String> have = columns.getOrDefault(t.table(), List.of());
                List<String> want = t.columns().stream().map(c -> c.name() + " " + c.type()).toList();
                int common = SchemaDocs.COMMON_COLUMNS.size();
                if (have.size() < common || !have.subList(0, common).equals(want.subList(0, common))) {
                    problems.add(t.table() + " does not start with the common columns: " + have);
                } else if (!new TreeSet<>(have).equals(new TreeSet<>(want))) {
                    problems.add(t.table() + " columns differ: " + difference(new TreeSet<>(want), new TreeSet<>(have)));
                }
                for (String view : t.viewsByParent().keySet()) {
                    documented.add(view);
                    if (!have.equals(columns.get(view))) {
                        problems.add(view + " has " + columns.get(view) + ", not its table's columns " + have);
                    }
                }
                if (t.metadataView() != null) {
                    documented.add(t.metadataView());
                    List<String> view = List.of(t.idColumn() + " text", "key text", "value text");
                    if (!view.equals(columns.get(t.metadataView()))) {
                        problems.add(t.metadataView() + " is " + columns.get(t.metadataView()) + ", documented as "
                                + view);
                    }
                }
            }
            if (!documented.equals(columns.keySet())) {
                problems.add("tables and views differ from the documented ones: "
                        + difference(documented, new TreeSet<>(columns.keySet())));
            }

            // Functions: name, argument types, result.
            Map<String, String> functions = new TreeMap<>();
            for (List<String> r : TestDatabase.rows(db, """
                    select p.proname, oidvectortypes(p.proargtypes), pg_get_function_result(p.oid)
                    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                    where n.nspname = current_schema()""")) {
                functions.put(r.get(0), normalize(r.get(1)) + " -> " + normalize(r.get(2)));
            }
            Map<String, String> documentedFunctions = new TreeMap<>();
            for (SchemaDocs.Function f : SchemaDocs.functions()) {
                documentedFunctions.put(f.name(), normalize(argumentTypes(f.signature())) + " -> " + normalize(f.returns()));
            }
            for (SchemaDocs.ObjectTable t : tables) {
                documentedFunctions.put(t.asOf(), "timestamptz -> setof " + t.table());
            }
            if (!functions.equals(documentedFunctions)) {
                problems.add("functions differ from the documented ones: "
                        + difference(documentedFunctions.entrySet(), functions.entrySet()));
            }

            // Single-column indexes of the object tables.
            Map<String, Set<String>> indexed = new HashMap<>();
            for (List<String> r : TestDatabase.rows(db, """
                    select t.relname, a.attname
                    from pg_index i
                    join pg_class t on t.oid = i.indrelid
                    join pg_namespace n on n.oid = t.relnamespace
                    join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
                    where n.nspname = current_schema() and not i.indisprimary and i.indnatts = 1""")) {
                indexed.computeIfAbsent(r.get(0), k -> new TreeSet<>()).add(r.get(1));
            }
            for (SchemaDocs.ObjectTable t : tables) {
                Set<String> want = new TreeSet<>(Set.of("valid_from"));
                t.columns().stream().map(SchemaDocs.Column::name).filter(SchemaDocs.INDEXED_FIELDS::contains)
                        .forEach(want::add);
                if (!want.equals(indexed.getOrDefault(t.table(), Set.of()))) {
                    problems.add(t.table() + " has indexes on " + indexed.get(t.table()) + ", documented " + want);
                }
            }

            assertThat(problems).as("differences between docs/schema.md's model and the database").isEmpty();
        }
    }

    private static String type(String formatted) {
        return formatted.equals("timestamp with time zone") ? "timestamptz" : formatted;
    }

    /** "f(a text, b text[])" -> "text, text[]". */
    private static String argumentTypes(String signature) {
        String inside = signature.substring(signature.indexOf('(') + 1, signature.lastIndexOf(')')).strip();
        if (inside.isEmpty()) {
            return "";
        }
        List<String> types = new ArrayList<>();
        for (String argument : inside.split(",")) {
            String a = argument.strip();
            types.add(a.substring(a.indexOf(' ') + 1));
        }
        return String.join(", ", types);
    }

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private static String normalize(String type) {
        String t = type.toLowerCase().replace("timestamp with time zone", "timestamptz");
        Matcher m = SPACES.matcher(t.replace("(", " (").replace(",", ", "));
        return m.replaceAll(" ").replace("( ", "(").replace(" )", ")").replace(" ,", ",").strip();
    }

    private static <T> String difference(Set<T> documented, Set<T> actual) {
        Set<T> missing = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
        missing.addAll(documented);
        missing.removeAll(actual);
        Set<T> extra = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
        extra.addAll(actual);
        extra.removeAll(documented);
        return "documented but not in the database " + missing + "; in the database but not documented " + extra;
    }
}
