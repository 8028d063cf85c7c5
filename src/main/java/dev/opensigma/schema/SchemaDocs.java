package dev.opensigma.schema;

import dev.opensigma.stripe.ObjectTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schema reference ({@code docs/schema.md}, written by {@code ./opensigma schema-docs}): every
 * table, view and column OpenSigma creates, and where each column's value comes from.
 *
 * <p>The object tables are described from the code that creates them: {@link ObjectTypes#tableName}
 * for the names, {@link StripeModelFields} for the columns, {@link ColumnType#sqlType()} for their
 * types. OpenSigma's own tables, views and functions are described by hand below, next to the
 * generator; a test compares all of it with a migrated database, so a migration that changes them
 * without changing this fails the build. The output is deterministic: sorted, no timestamps.
 */
public final class SchemaDocs {

    /** Where a version came from: object_versions.source, shown again by the history view. */
    private static final String VERSION_SOURCES = "`webhook`, `direct`, `import`, `poll` (from the event feed, or an"
            + " object the poller listed because no event announces it: a balance transaction, an open Checkout"
            + " Session), `backfill` or `refetch`.";

    /** A column: its name, SQL type, and where its value comes from (or what it means). */
    public record Column(String name, String type, String from) {
    }

    /** One of OpenSigma's own tables or views. */
    public record Relation(String name, String kind, String description, List<Column> columns) {
    }

    /** One of OpenSigma's SQL functions. */
    public record Function(String name, String signature, String returns, String description, boolean forQueries) {
    }

    /**
     * The table of one object type.
     *
     * @param createdAtStart true when the table exists from the first start (else on first sight)
     * @param asOf           the name of its {@code <table>_as_of(timestamptz)} function
     * @param metadataView   the name of its {@code <table>_metadata} view, or null when it has none
     * @param idColumn       the first column of that view ({@code customer_id})
     * @param shadowed       Stripe fields without a column because one of OpenSigma's columns has their name
     * @param viewsByParent  views of its rows of one parent type, with all its columns (view → parent type)
     */
    public record ObjectTable(String objectType, String table, boolean createdAtStart, List<Column> columns,
                              String asOf, String metadataView, String idColumn, List<String> shadowed,
                              Map<String, String> viewsByParent) {
    }

    /** Typed columns that get an index where a table has them (as the migration's sync_object_table does). */
    public static final List<String> INDEXED_FIELDS = List.of("created", "customer", "status", "invoice",
            "subscription", "charge", "payment_intent", "product", "price", "email");

    /** "OpenSigma" in the {@code from} of the columns every object table starts with. */
    public static final String OPENSIGMA = "OpenSigma";

    /** The columns every object table starts with, in table order, with what they hold. */
    public static final List<Column> COMMON_COLUMNS = List.of(
            new Column("object_type", "text", "The Stripe `object` of the rows: the same in every row of a table."),
            new Column("id", "text", "The object's id (`cus_...`). The primary key is (`object_type`, `id`)."),
            new Column("account", "text", "The Connect account the object belongs to (the event's `account`); null"
                    + " for your own account."),
            new Column("deleted", "boolean", "True once the object was deleted; the row keeps its last state."),
            new Column("valid_from", "timestamptz", "Stripe's time of the state held: the `created` of the event"
                    + " that brought it, or the moment a snapshot was fetched."),
            new Column("version_id", "bigint", "The `object_versions` row this state is."),
            new Column("event_id", "text", "The event that brought this state (null for a snapshot)."),
            new Column("updated_at", "timestamptz", "When OpenSigma wrote the row."),
            new Column("data", "jsonb", "The whole object as Stripe sent it, nested fields included"
                    + " (`data->'address'->>'city'`)."),
            new Column("parent_type", "text", "For an object that came embedded in another's list (an invoice's"
                    + " lines, a subscription's items, a charge's refunds): that object's type; null otherwise."),
            new Column("parent_id", "text", "And that object's id (`in_...` for an invoice line)."));

    private SchemaDocs() {
    }

    // ---- hand-written: OpenSigma's own tables, views and functions --------------------------------

    /** OpenSigma's own tables and views, with their columns in table order. */
    public static List<Relation> ownRelations() {
        return List.of(
                new Relation("events", "table",
                        "Every event exactly as received, forever: one row per distinct event id. A repeated delivery"
                                + " changes nothing.",
                        List.of(
                                new Column("id", "text", "The event's id (`evt_...`); primary key."),
                                new Column("type", "text", "The event type (`customer.updated`)."),
                                new Column("created", "timestamptz", "When Stripe created the event."),
                                new Column("api_version", "text", "The API version Stripe rendered the event in."),
                                new Column("livemode", "boolean", "Live (true) or test mode."),
                                new Column("account", "text", "The Connect account it came from; null for your own."),
                                new Column("object_type", "text", "`data.object.object`, or null."),
                                new Column("object_id", "text", "`data.object.id`, or null (`invoice.upcoming`)."),
                                new Column("source", "text", "How it arrived: `webhook`, `direct`, `import` or `poll` (the"
                                        + " event feed)."),
                                new Column("received_at", "timestamptz", "When OpenSigma stored it."),
                                new Column("raw", "text", "The body byte for byte (text, because jsonb reorders keys);"
                                        + " query it as `raw::jsonb`."))),
                new Relation("object_versions", "table",
                        "Every version of every object, in Stripe's time order `(second, seq)`. The `history` view"
                                + " numbers them; prefer it for queries.",
                        List.of(
                                new Column("version_id", "bigint", "Primary key (generated)."),
                                new Column("object_type", "text", "The Stripe `object` (`customer`)."),
                                new Column("id", "text", "The object's id."),
                                new Column("account", "text", "The Connect account; null for your own."),
                                new Column("valid_from", "timestamptz", "Stripe's time of this version."),
                                new Column("second", "bigint", "`valid_from` in whole Unix seconds: the first part of"
                                        + " the order."),
                                new Column("seq", "integer", "The order within the second (it can change when a late"
                                        + " version lands in that second)."),
                                new Column("event_id", "text", "The event that carried it (null for a snapshot)."),
                                new Column("event_type", "text", "That event's type."),
                                new Column("source", "text", VERSION_SOURCES),
                                new Column("deleted", "boolean", "True for a deletion."),
                                new Column("previous_attributes", "jsonb", "The event's `data.previous_attributes`."),
                                new Column("data", "jsonb", "The object as of this version."),
                                new Column("recorded_at", "timestamptz", "When OpenSigma stored it."),
                                new Column("parent_type", "text", "For an object that came embedded in another's list"
                                        + " (an invoice's lines, a charge's refunds): that object's type."),
                                new Column("parent_id", "text", "And that object's id."),
                                new Column("api_version", "text", "The Stripe API version the object is rendered in:"
                                        + " the event's, or the one a snapshot was fetched with (null for versions"
                                        + " stored before V7)."))),
                new Relation("history", "view",
                        "`object_versions` numbered 1..n per object in Stripe's time order, with the moment each"
                                + " version stopped being current: `select * from history where id = 'sub_123'`."
                                + " Copies of an embedded child, and snapshots (backfill, refetch), that repeat the"
                                + " state before them are left out; versions from events always show.",
                        List.of(
                                new Column("object_type", "text", "The Stripe `object`."),
                                new Column("id", "text", "The object's id."),
                                new Column("version", "bigint", "1 for the oldest version, n for the current one."),
                                new Column("valid_from", "timestamptz", "When this version became current."),
                                new Column("valid_to", "timestamptz", "When the next version replaced it (null for"
                                        + " the current one)."),
                                new Column("event_id", "text", "The event that carried it (null for a snapshot)."),
                                new Column("event_type", "text", "That event's type."),
                                new Column("source", "text", VERSION_SOURCES),
                                new Column("deleted", "boolean", "True for a deletion."),
                                new Column("account", "text", "The Connect account; null for your own."),
                                new Column("data", "jsonb", "The object as of this version."),
                                new Column("previous_attributes", "jsonb", "The event's `data.previous_attributes`."),
                                new Column("version_id", "bigint", "The `object_versions` row."),
                                new Column("recorded_at", "timestamptz", "When OpenSigma stored it."),
                                new Column("parent_type", "text", "For an object that came embedded in another's list"
                                        + " (an invoice's lines, a charge's refunds): that object's type."),
                                new Column("parent_id", "text", "And that object's id."),
                                new Column("api_version", "text", "The Stripe API version the object is rendered in"
                                        + " (the event's, or the one a backfill snapshot was fetched with)."))),
                new Relation("objects", "view",
                        "The current state of every object of every type: the common columns of all the object"
                                + " tables, one place to look an id up whatever its type.",
                        COMMON_COLUMNS),
                new Relation("object_types", "table",
                        "Which Stripe object type lives in which table (one row per object table).",
                        List.of(
                                new Column("object_type", "text", "The Stripe `object` (`checkout.session`); primary"
                                        + " key."),
                                new Column("table_name", "text", "Its table (`checkout_sessions`)."),
                                new Column("first_seen", "timestamptz", "When the table was created."),
                                new Column("id_column", "text", "The id column of its `<table>_metadata` view"
                                        + " (`checkout_session_id`)."),
                                new Column("refresh_sql", "text", "OpenSigma's statement that makes an object's newest"
                                        + " version its current state (regenerated when columns are added)."))),
                new Relation("search_documents", "table",
                        "The text index behind `search(q)`: one row per object, kept current as events arrive.",
                        List.of(
                                new Column("object_type", "text", "The Stripe `object`."),
                                new Column("id", "text", "The object's id."),
                                new Column("account", "text", "The Connect account; null for your own."),
                                new Column("deleted", "boolean", "True once the object was deleted."),
                                new Column("body", "text", "`search_text(data)` of the current state (trigram index)."),
                                new Column("tsv", "tsvector", "The full-text form of `body` (generated; GIN index)."))),
                new Relation("fields", "table",
                        "Every top-level field of every object type that has a typed column: those stripe-java"
                                + " knows, and those first seen in data.",
                        List.of(
                                new Column("object_type", "text", "The Stripe `object`."),
                                new Column("name", "text", "The Stripe field, which is also the column's name."),
                                new Column("column_type", "text", "How the column is read: "
                                        + String.join(", ", columnTypeNames()) + " (see [typed columns](#typed-columns))."),
                                new Column("origin", "text", "`stripe-java` (from its model classes) or `observed`"
                                        + " (first seen in data)."),
                                new Column("position", "integer", "Order in which the columns were added."),
                                new Column("first_seen", "timestamptz", "When the column was added."))),
                new Relation("backfill_runs", "table",
                        "One backfill (`opensigma backfill`): what was asked, and how it ended. `completed` only when"
                                + " every range finished and the events since the start were replayed.",
                        List.of(
                                new Column("id", "bigint", "The run's number."),
                                new Column("selection", "text", "The request (types, since, accounts); the same"
                                        + " request resumes an unfinished run."),
                                new Column("types", "text[]", "The list types copied."),
                                new Column("since", "timestamptz", "Only objects created from then (null: all)."),
                                new Column("until", "timestamptz", "Stripe's clock when the run began; later changes"
                                        + " come from the event feed."),
                                new Column("status", "text", "`running`, `completed` or `failed`."),
                                new Column("tail_added", "boolean", "Whether the ranges of objects created since"
                                        + " `until` were added (the last listing pass)."),
                                new Column("started_at", "timestamptz", "When the run began."),
                                new Column("finished_at", "timestamptz", "When it ended."),
                                new Column("error", "text", "What failed, for a failed run."))),
                new Relation("backfill_event_marks", "table",
                        "Where each account's event feed stood when a run began; replayed from there at the end.",
                        List.of(
                                new Column("run_id", "bigint", "The run."),
                                new Column("account", "text", "The account (`''` for the key's own)."),
                                new Column("event_id", "text", "The newest event then (null: none)."),
                                new Column("event_created", "timestamptz", "Its time."),
                                new Column("replayed_at", "timestamptz", "When the events since were applied."))),
                new Relation("backfill_ranges", "table",
                        "The backfill's unit of work and checkpoint: a slice of one list, paged with a cursor.",
                        List.of(
                                new Column("id", "bigint", "The range's number."),
                                new Column("run_id", "bigint", "The run."),
                                new Column("account", "text", "The account (`''` for the key's own)."),
                                new Column("list_type", "text", "The list (`charges`, `invoice_line_items`)."),
                                new Column("variant", "integer", "Which parameter set of the list (prices: active,"
                                        + " archived)."),
                                new Column("parent_id", "text", "For a child list, the parent's id."),
                                new Column("created_gte", "bigint", "Lower bound of `created` (unix seconds), or null."),
                                new Column("created_lt", "bigint", "Upper bound of `created`, or null."),
                                new Column("cursor", "text", "`starting_after` of the next page."),
                                new Column("state", "text", "`pending`, `done` or `failed`."),
                                new Column("pages", "integer", "Pages fetched."),
                                new Column("objects", "bigint", "Objects stored."),
                                new Column("error", "text", "Why it failed."),
                                new Column("updated_at", "timestamptz", "Last progress."))),
                new Relation("backfill_progress", "view",
                        "Progress per run, account and list: ranges done and failed, pages, objects, errors.",
                        List.of(
                                new Column("run_id", "bigint", "The run."),
                                new Column("account", "text", "The account."),
                                new Column("list_type", "text", "The list."),
                                new Column("ranges", "bigint", "Ranges in all."),
                                new Column("ranges_done", "bigint", "Ranges finished."),
                                new Column("ranges_failed", "bigint", "Ranges failed."),
                                new Column("pages", "bigint", "Pages fetched."),
                                new Column("objects", "numeric", "Objects stored."),
                                new Column("last_progress_at", "timestamptz", "Last progress."),
                                new Column("errors", "text", "Errors, if any."))),
                new Relation("event_cursors", "table",
                        "How far each account's event feed (`/v1/events`) has been read (`sync`, `serve`, backfills).",
                        List.of(
                                new Column("account", "text", "The account (`''` for the key's own); primary key."),
                                new Column("event_id", "text", "The newest event read."),
                                new Column("event_created", "timestamptz", "Its time."),
                                new Column("updated_at", "timestamptz", "When the position moved."))),
                new Relation("mirrored_account", "table",
                        "The Stripe account and mode this schema mirrors (V14): recorded by the first command that"
                                + " uses an API key; a key of another account or of the other mode is then refused,"
                                + " so test and live data never share tables. One row.",
                        List.of(
                                new Column("only_row", "boolean", "Always true; primary key (one row at most)."),
                                new Column("account_id", "text", "The account's `acct_...` id; null while no key"
                                        + " could read `/v1/account` (a restricted key may not)."),
                                new Column("livemode", "boolean", "Live (true) or test mode."),
                                new Column("recorded_at", "timestamptz", "When it was recorded."),
                                new Column("recorded_by", "text", "The command that recorded it."))),
                new Relation("webhook_secrets", "table",
                        "Webhook endpoints made by `opensigma webhooks setup`, with their signing secrets (not readable"
                                + " by the read-only query role).",
                        List.of(
                                new Column("endpoint_id", "text", "Stripe's `we_...` id; primary key."),
                                new Column("url", "text", "Where Stripe sends events."),
                                new Column("secret", "text", "The signing secret (`whsec_...`)."),
                                new Column("api_version", "text", "The endpoint's API version."),
                                new Column("created_at", "timestamptz", "When it was set up."))),
                new Relation("refetches", "table",
                        "Objects and child lists to fetch from the API, because an event could not tell them in"
                                + " full: a thin (v2) event, which carries only a reference; a same-second tie that only"
                                + " the event ids ordered; an embedded list that says `has_more` (an invoice with more"
                                + " than 10 lines); a list Stripe does not embed (a Checkout Session's line items)."
                                + " Recorded with the event; with an API key the poller (`serve`, `sync`) fetches each,"
                                + " files it as a snapshot (list entries as children of their parent), and removes the row.",
                        List.of(
                                new Column("object_type", "text", "The Stripe `object`."),
                                new Column("id", "text", "The object's id."),
                                new Column("account", "text", "The Connect account; `''` for your own."),
                                new Column("path", "text", "Where to fetch it, when the event said (a thin event's"
                                        + " `related_object.url`, an embedded list's `url`); otherwise found by type."),
                                new Column("reason", "text", "`thin event`, `same-second tie`, `list has more` or"
                                        + " `list not embedded`."),
                                new Column("event_id", "text", "The event that asked."),
                                new Column("requested_at", "timestamptz", "When it was asked for."),
                                new Column("attempts", "integer", "Failed fetches so far; at 5 it is no longer tried."),
                                new Column("last_error", "text", "What the last attempt answered."),
                                new Column("child_list", "text", "The parent's list field to fetch in full (`lines`,"
                                        + " `line_items`); `''` for the object itself (V11)."))));
    }

    /** OpenSigma's SQL functions other than the per-table {@code <table>_as_of}, sorted by name. */
    public static List<Function> functions() {
        List<Function> functions = new ArrayList<>();
        functions.add(new Function("object_changes", "object_changes(object_type text, id text)",
                "table (version bigint, valid_from timestamptz, event_id text, event_type text, source text,"
                        + " deleted boolean, changes jsonb)",
                "Every version of one object with what changed in it: `{\"field\": {\"from\": old, \"to\": new}}`"
                        + " over top-level fields, from the event's `previous_attributes` where it had them, else"
                        + " computed against the version before. `select * from object_changes('subscription',"
                        + " 'sub_123')`.", true));
        functions.add(new Function("search",
                "search(q text, max_results integer, of_type text, include_deleted boolean)",
                "table (object_type text, id text, table_name text, rank real, summary text, deleted boolean,"
                        + " data jsonb)",
                "Finds objects of any type by id, email, name, description, number, metadata and other text,"
                        + " ranked (an exact id first, then full-text rank and trigram similarity, the object a"
                        + " name or email belongs to before those that mention it; typo-tolerant"
                        + " matching when nothing matches exactly). `select * from search('ada@example.com')`;"
                        + " defaults: 20 results, every type, deleted objects left out.", true));
        functions.add(new Function("search_text", "search_text(data jsonb)", "text",
                "The text of an object that `search` looks in (what `search_documents.body` holds).", true));
        Set<String> readers = new LinkedHashSet<>();
        for (ColumnType type : ColumnType.values()) {
            if (readers.add(type.reader())) {
                functions.add(new Function(type.reader(), type.reader() + "(value jsonb)", type.sqlType(),
                        "Reads a jsonb value as " + type.sqlType() + " the way `" + type.registryName()
                                + "` columns are filled; null when the value does not fit. For nested fields: "
                                + readerExample(type) + ".", true));
            }
        }
        String internal = "OpenSigma's machinery for creating tables and adding columns; not for queries.";
        functions.add(new Function("ensure_object_table",
                "ensure_object_table(object_type text, table_name text, id_column text)", "void", internal, false));
        functions.add(new Function("sync_object_table", "sync_object_table(object_type text)", "text[]", internal,
                false));
        functions.add(new Function("refresh_objects_view", "refresh_objects_view()", "void", internal, false));
        functions.add(new Function("fill_columns",
                "fill_columns(object_type text, columns text[], after text, slice integer)", "text", internal, false));
        functions.add(new Function("column_sql_type", "column_sql_type(column_type text)", "text", internal, false));
        functions.add(new Function("column_reader", "column_reader(column_type text)", "text", internal, false));
        functions.add(new Function("live_children",
                "live_children(object_type text, parent_type text, parent_id text, account text, before timestamptz)",
                "table (id text)", "The children of one type that a parent holds as live, current since before a"
                        + " moment; what the apply path compares a list read in full from the API with (V13).", false));
        functions.add(new Function("epoch_second", "epoch_second(at timestamptz)", "bigint",
                "The whole second of a moment, as in `object_versions.second`; used by the `<table>_as_of` functions.",
                false));
        functions.sort(Comparator.comparing((Function f) -> !f.forQueries()).thenComparing(Function::name));
        return functions;
    }

    /** A nested field of that type, as an example: an expression on {@code data} and the table it is for. */
    private static String readerExample(ColumnType type) {
        return switch (type) {
            case TEXT -> "`read_text(data->'shipping'->'name')` on `customers`";
            case BIGINT -> "`read_bigint(data->'recurring'->'interval_count')` on `prices`";
            case NUMERIC -> "`read_numeric(data->'price'->'unit_amount_decimal')` on `subscription_items`";
            case BOOLEAN -> "`read_boolean(data->'automatic_tax'->'enabled')` on `subscriptions`";
            case TIMESTAMP -> "`read_timestamp(data->'status_transitions'->'paid_at')` on `invoices`";
            case REFERENCE -> "`read_reference(data->'invoice_settings'->'default_payment_method')` on `customers`";
            case JSONB -> "`read_jsonb(data->'billing_details'->'address')` on `charges`";
        };
    }

    private static String describe(ColumnType type) {
        return switch (type) {
            case TEXT -> "The JSON string. Another JSON value is stored as its JSON text.";
            case BIGINT -> "The JSON integer (amounts in the currency's smallest unit).";
            case NUMERIC -> "The JSON number, or the decimal string Stripe sends for `*_decimal` fields"
                    + " (`\"unit_amount_decimal\": \"2000.5\"`).";
            case BOOLEAN -> "The JSON boolean.";
            case TIMESTAMP -> "`to_timestamp` of the Unix seconds Stripe sends.";
            case REFERENCE -> "The id of an expandable field: the string as sent, or the `id` of the object when it"
                    + " came expanded (the expanded object stays in `data`).";
            case JSONB -> "The JSON value: objects, lists, `metadata`, and fields whose type is unknown.";
        };
    }

    // ---- generated: object tables ------------------------------------------------------------------

    /** One table per object type stripe-java knows (and per well-known type), sorted by table name. */
    public static List<ObjectTable> objectTables() {
        Set<String> types = new TreeSet<>(StripeModelFields.byObjectType().keySet());
        types.addAll(ObjectTypes.WELL_KNOWN);
        List<ObjectTable> tables = new ArrayList<>();
        for (String type : types) {
            String table = ObjectTypes.tableName(type);
            List<Field> fields = new ArrayList<>(StripeModelFields.byObjectType().getOrDefault(type, List.of()));
            fields.sort(Comparator.comparing(Field::name));
            List<Column> columns = new ArrayList<>();
            for (Column common : COMMON_COLUMNS) {
                columns.add(new Column(common.name(), common.type(), OPENSIGMA));
            }
            boolean hasMetadata = false;
            for (Field f : fields) {
                columns.add(new Column(f.name(), f.type().sqlType(), from(f)));
                hasMetadata |= f.name().equals("metadata");
            }
            tables.add(new ObjectTable(type, table, ObjectTypes.WELL_KNOWN.contains(type), List.copyOf(columns),
                    identifier(table + "_as_of"), hasMetadata ? identifier(table + "_metadata") : null,
                    ObjectTypes.idColumn(type),
                    StripeModelFields.shadowedByObjectType().getOrDefault(type, List.of()).stream()
                            .filter(name -> !name.equals("deleted")).sorted().toList(),
                    ObjectTypes.viewsByParent(type)));
        }
        tables.sort(Comparator.comparing(ObjectTable::table));
        return tables;
    }

    private static String from(Field f) {
        String name = "`" + f.name() + "`";
        return switch (f.type()) {
            case TIMESTAMP -> name + " (Unix seconds)";
            case REFERENCE -> name + " (the id, also when expanded)";
            default -> name;
        };
    }

    /** PostgreSQL keeps the first 63 bytes of a name, as the migration's {@code left(..., 63)} does. */
    private static String identifier(String name) {
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    private static List<String> columnTypeNames() {
        List<String> names = new ArrayList<>();
        for (ColumnType type : ColumnType.values()) {
            names.add("`" + type.registryName() + "`");
        }
        return names;
    }

    // ---- the document --------------------------------------------------------------------------------

    /** The whole reference as Markdown, with {@code \n} line ends. */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        List<ObjectTable> objectTables = objectTables();
        md.append("# Schema reference\n\n");
        md.append("<!-- Generated by `./opensigma schema-docs` (dev.opensigma.schema.SchemaDocs). Do not edit:"
                + " a test fails when this file differs from what the code generates. -->\n\n");
        md.append("Every table, view and column OpenSigma creates, and where each column's value comes from,"
                + " generated from the code that creates them for stripe-java ").append(com.stripe.Stripe.VERSION)
                .append(" (Stripe API version `").append(StripeModelFields.apiVersion()).append("`).\n");
        md.append("Everything lives in one PostgreSQL schema: `stripe` unless `--schema` / `OPENSIGMA_SCHEMA` names"
                + " another.\n\n");
        md.append("- [OpenSigma's own tables and views](#opensigmas-own-tables-and-views)\n");
        md.append("- [Functions](#functions)\n");
        md.append("- [Table names](#table-names)\n");
        md.append("- [Object tables](#object-tables): [common columns](#common-columns),"
                + " [typed columns](#typed-columns), [fields stripe-java does not know](#fields-stripe-java-does-not-know),"
                + " [all object tables](#all-object-tables) (").append(objectTables.size()).append(")\n\n");

        md.append("## OpenSigma's own tables and views\n\n");
        md.append("Besides these, `flyway_schema_history` records which migrations have run.\n\n");
        for (Relation r : ownRelations()) {
            md.append("### ").append(r.name()).append("\n\n");
            md.append(r.kind().equals("view") ? "View. " : "Table. ").append(r.description()).append("\n\n");
            columnTable(md, "meaning", r.columns());
        }

        md.append("## Functions\n\n");
        md.append("Besides these, every object table has `<table>_as_of(at timestamptz)`: see"
                + " [object tables](#object-tables).\n\n");
        md.append("| function | returns | what it does |\n|---|---|---|\n");
        for (Function f : functions()) {
            md.append("| `").append(f.signature()).append("` | ").append(f.returns()).append(" | ")
                    .append(f.description()).append(" |\n");
        }
        md.append('\n');

        namingRule(md);

        md.append("## Object tables\n\n");
        md.append("One table per Stripe object type holds the **current state** of each object of that type: one"
                + " row per object, always its newest version (a late event is filed in `history` without"
                + " overwriting newer state). Deleted objects stay, with `deleted = true`.\n\n");
        md.append("Each has:\n\n");
        md.append("- the [common columns](#common-columns), then one [typed column](#typed-columns) per top-level"
                + " field of the type, named as the field;\n");
        md.append("- `<table>_as_of(at timestamptz)`: the table as it stood at that moment, objects deleted by then"
                + " left out (`select id, status from subscriptions_as_of('2026-01-01')`);\n");
        md.append("- `<table>_metadata (<type>_id, key, value)` when the type has `metadata`: one row per key,"
                + " Sigma's shape (`select * from customers_metadata where key = 'plan'`);\n");
        md.append("- an index on `valid_from`, and on each of ")
                .append(String.join(", ", INDEXED_FIELDS.stream().map(n -> "`" + n + "`").toList()))
                .append(" that it has, and on `parent_id` for its children (rows with a parent).\n\n");
        md.append("The tables of the most common types exist from the first start, so queries on them work before"
                + " data arrives: ");
        md.append(String.join(", ", ObjectTypes.WELL_KNOWN.stream().map(ObjectTypes::tableName).sorted()
                .map(t -> "`" + t + "`").toList()));
        md.append(". Every other table is created when the first object of its type arrives.\n\n");

        md.append("### Common columns\n\n");
        md.append("Every object table starts with these (the documentation below says **").append(OPENSIGMA)
                .append("** for them):\n\n");
        columnTable(md, "meaning", COMMON_COLUMNS);
        md.append("A Stripe field with one of these names gets no typed column of its own: Stripe's `id` is `id`,"
                + " its `deleted` is `deleted`, and a field such as a capability's or a person's `account` (the"
                + " account it belongs to, not the Connect account of the event) is read from `data`:"
                + " `data->>'account'`.\n\n");

        md.append("### Typed columns\n\n");
        md.append("A typed column holds the field's value as read from `data` when the row was written, so"
                + " `select email, created from customers where delinquent` needs no JSON operators. A field absent"
                + " from the object, or JSON `null`, is SQL `null`; so is a value that does not fit the column"
                + " (`data` is the truth and never refuses a payload). The type comes from the field's Java type in"
                + " stripe-java's model classes:\n\n");
        md.append("| `fields.column_type` | SQL type | the column holds |\n|---|---|---|\n");
        for (ColumnType type : ColumnType.values()) {
            md.append("| `").append(type.registryName()).append("` | ").append(type.sqlType()).append(" | ")
                    .append(describe(type)).append(" |\n");
        }
        md.append("\nstripe-java types timestamps as plain integers, so an integer field is a `timestamp` when its"
                + " name says so: ");
        md.append(String.join(", ", new TreeSet<>(StripeModelFields.TIMESTAMP_NAMES).stream()
                .map(n -> "`" + n + "`").toList()));
        md.append(", or a name ending in ");
        md.append(String.join(", ", StripeModelFields.TIMESTAMP_SUFFIXES.stream().map(n -> "`" + n + "`").toList()));
        md.append(".\n\n");

        md.append("### Fields stripe-java does not know\n\n");
        md.append("The columns below are those stripe-java ").append(com.stripe.Stripe.VERSION).append(" knows."
                + " A top-level field nobody knew gets a column the first time it arrives, typed from its value:"
                + " string → `text`, integer → `bigint` (`timestamp` when its name says so, as above), other"
                + " number → `numeric`, boolean → `boolean`, anything else (or `null`) → `jsonb`. Rows stored"
                + " earlier get their value. An object type nobody knew gets a table the same way, with the common"
                + " columns and a column per field. `select * from fields where origin = 'observed'` lists what"
                + " was added; a newer stripe-java adds its new fields' columns at the next start.\n\n");

        md.append("### All object tables\n\n");
        md.append("| table | Stripe `object` | typed columns | exists |\n|---|---|---|---|\n");
        for (ObjectTable t : objectTables) {
            md.append("| [").append(t.table()).append("](#").append(t.table()).append(") | `").append(t.objectType())
                    .append("` | ").append(t.columns().size() - COMMON_COLUMNS.size()).append(" | ")
                    .append(t.createdAtStart() ? "from the first start" : "on first sight").append(" |\n");
        }
        md.append('\n');
        for (ObjectTable t : objectTables) {
            md.append("### ").append(t.table()).append("\n\n");
            md.append("Stripe object `").append(t.objectType()).append("`. ")
                    .append(t.createdAtStart() ? "Exists from the first start." : "Created on first sight.")
                    .append(" `").append(t.asOf()).append("(at timestamptz)`");
            if (t.metadataView() != null) {
                md.append("; view `").append(t.metadataView()).append(" (").append(t.idColumn())
                        .append(", key, value)`");
            }
            for (Map.Entry<String, String> view : t.viewsByParent().entrySet()) {
                md.append("; view `").append(view.getKey()).append("`: its rows with `parent_type = '")
                        .append(view.getValue()).append("'`");
            }
            md.append(".\n\n");
            md.append("| column | type | from |\n|---|---|---|\n");
            for (Column c : t.columns()) {
                md.append("| `").append(c.name()).append("` | ").append(c.type()).append(" | ").append(c.from())
                        .append(" |\n");
            }
            md.append('\n');
            for (String name : t.shadowed()) {
                md.append("Stripe's `").append(name).append("` field has no column of its own (`").append(name)
                        .append("` is OpenSigma's): read it as `data->>'").append(name).append("'`.\n\n");
            }
        }
        return md.toString().stripTrailing() + "\n";
    }

    private static void namingRule(StringBuilder md) {
        md.append("## Table names\n\n");
        md.append("An object type's table is named as in Stripe Sigma: the object's `object` field in plural"
                + " snake_case, dots becoming underscores (").append(example("checkout.session")).append(")."
                + " The last word is made plural: `-ss`, `-us`, `-x`, `-ch` and `-sh` take `es` (")
                .append(example("address")).append("); a word already ending in `s` stays (")
                .append(example("tax.settings")).append("); a consonant and `y` become `ies` (")
                .append(example("capability")).append(", ").append(example("billing.meter_event_summary"))
                .append("); any other word takes `s`. Names are cut at 63 characters, PostgreSQL's limit. A type"
                + " nobody listed gets its table by the same rule on first sight.\n\n");
        md.append("Sigma's exceptions:\n\n| object type | table |\n|---|---|\n");
        for (Map.Entry<String, String> e : ObjectTypes.sigmaExceptions().entrySet()) {
            md.append("| `").append(e.getKey()).append("` | `").append(e.getValue()).append("` |\n");
        }
        md.append("\nStripe calls the line items of a Checkout Session, a quote and a payment link alike (`item`), so all"
                + " three are in `").append(ObjectTypes.tableName("item")).append("`: `parent_type` (`checkout.session`,"
                + " `quote`, `payment_link`) and `parent_id` say whose. The views `quote_line_items` and"
                + " `payment_link_line_items` are its rows of quotes and of payment links, with the same columns;"
                + " `backfill --types quote_line_items` and `payment_link_line_items` fill them.\n");
        md.append("\nA type whose table would take the name of one of OpenSigma's own (");
        md.append(String.join(", ", ObjectTypes.reservedTableNames().stream().map(n -> "`" + n + "`").toList()));
        md.append(") gets the suffix `_objects`: `event` → `").append(ObjectTypes.tableName("event")).append("`.\n\n");
        md.append("The first column of a `<table>_metadata` view names the object as Sigma does: the type with dots"
                + " as underscores and `_id` (`checkout.session` → `").append(ObjectTypes.idColumn("checkout.session"))
                .append("`), except `radar.early_fraud_warning` → `")
                .append(ObjectTypes.idColumn("radar.early_fraud_warning")).append("` and `invoiceitem` → `")
                .append(ObjectTypes.idColumn("invoiceitem")).append("`.\n\n");
    }

    private static String example(String objectType) {
        return "`" + objectType + "` → `" + ObjectTypes.tableName(objectType) + "`";
    }

    private static void columnTable(StringBuilder md, String header, List<Column> columns) {
        md.append("| column | type | ").append(header).append(" |\n|---|---|---|\n");
        for (Column c : columns) {
            md.append("| `").append(c.name()).append("` | ").append(c.type()).append(" | ").append(c.from())
                    .append(" |\n");
        }
        md.append('\n');
    }
}
