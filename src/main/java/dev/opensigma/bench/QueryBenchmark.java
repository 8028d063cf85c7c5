package dev.opensigma.bench;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.stripe.ObjectTypes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * How fast typed queries and time travel are on a large account: generates an account
 * ({@link AccountGenerator}), loads it through the apply path, runs {@code VACUUM ANALYZE}, then
 * times each query of {@link #QUERIES} (one warm-up run, then {@code runs} timed runs).
 */
public final class QueryBenchmark {

    /**
     * @param objects  target size of the account in objects (children such as invoice lines included)
     * @param runs     timed runs per query (after one warm-up run)
     * @param writers  apply threads, as {@code serve --writers}
     * @param maxBatch observations per commit, as {@code serve --max-batch}
     */
    public record Settings(long objects, int runs, long seed, int writers, int maxBatch) {
        public Settings {
            if (objects < 100 || runs < 1 || writers < 1 || maxBatch < 1) {
                throw new IllegalArgumentException("--objects must be at least 100, --runs, --writers and --max-batch at least 1");
            }
        }
    }

    /** What the load did. {@code objects} counts current-state rows of every table (children included). */
    public record Load(long events, long versions, long objects, Map<String, Long> objectsByTable,
                       Map<String, Long> versionsByTable, double seconds, Map<Outcome, Long> outcomes) {
        public double eventsPerSecond() {
            return events / seconds;
        }

        public double versionsPerSecond() {
            return versions / seconds;
        }

        public double objectsPerSecond() {
            return objects / seconds;
        }
    }

    /** Bytes on disk: heap, TOAST and indexes of each part; the data directory when the server is ours. */
    public record Disk(long events, long versions, long objectTables, long schema, Optional<Long> dataDirectory) {
    }

    /**
     * A timed query. {@code recipe} names the recipe of docs/queries.md it is (its SQL is kept
     * identical, which a test checks), or is null for a query of the benchmark's own.
     */
    public record Query(String name, String recipe, String sql) {
    }

    /** Times of one query in milliseconds: the warm-up run, then the timed runs. */
    public record Timing(Query query, long rows, double first, List<Double> runs) {
        public double median() {
            List<Double> sorted = runs.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        public double min() {
            return runs.stream().min(Comparator.naturalOrder()).orElseThrow();
        }

        public double max() {
            return runs.stream().max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    /** Ids of the recipes' examples, replaced by ids of the generated account before running. */
    static final String EXAMPLE_CHARGE = "'ch_6'";
    static final String EXAMPLE_SUBSCRIPTION = "'sub_2'";
    static final String EXAMPLE_CUSTOMER = "'cus_ada'";

    /** The queries, in report order: the typical queries first, then every other recipe. */
    public static final List<Query> QUERIES = List.of(
            new Query("Count charges by status and month", "Charges by status and month", """
                    select date_trunc('month', created)::date as month, status, currency, count(*) as charges, sum(amount) as amount
                    from charges
                    group by 1, 2, 3
                    order by 1, 2, 3;
                    """),
            new Query("Top 10 customers by amount paid", "Top customers by amount paid", """
                    select ch.customer, cu.email, sum(ch.amount - ch.amount_refunded) as net_paid, count(*) as payments
                    from charges as ch
                    left join customers as cu on cu.id = ch.customer
                    where ch.status = 'succeeded' and ch.customer is not null
                    group by ch.customer, cu.email
                    order by net_paid desc, ch.customer
                    limit 10;
                    """),
            new Query("Charges joined to customers, one month", "Charges with their customer's email", """
                    select ch.id, ch.created, ch.amount, ch.status, cu.email
                    from charges as ch
                    left join customers as cu on cu.id = ch.customer
                    where ch.created >= '2026-04-01' and ch.created < '2026-05-01'
                    order by ch.created, ch.id;
                    """),
            new Query("Charges joined to customers, all, by country", null, """
                    select cu.address->>'country' as country, count(*) as charges, sum(ch.amount) as amount
                    from charges as ch
                    join customers as cu on cu.id = ch.customer
                    where ch.status = 'succeeded'
                    group by 1
                    order by 1;
                    """),
            new Query("subscriptions_as_of(2026-03-01) by status", null, """
                    select status, count(*) as subscriptions
                    from subscriptions_as_of('2026-03-01')
                    group by status
                    order by status;
                    """),
            new Query("MRR on the first of each month (6 as-of dates)", "MRR on the first of each month", """
                    select m.month::date as month, coalesce(round(sum(item.mrr)), 0) as mrr
                    from generate_series(timestamptz '2026-01-01', timestamptz '2026-06-01', interval '1 month') as m(month)
                    left join lateral (
                        select (i->>'quantity')::bigint * (i->'price'->>'unit_amount')::numeric
                               * case i->'price'->'recurring'->>'interval'
                                     when 'day' then 365 when 'week' then 52 when 'month' then 12 when 'year' then 1 end
                               / (12 * coalesce((i->'price'->'recurring'->>'interval_count')::int, 1)) as mrr
                        from subscriptions_as_of(m.month) as s
                        cross join lateral jsonb_array_elements(s.items->'data') as i
                        where s.status in ('active', 'past_due')
                    ) as item on true
                    group by m.month
                    order by m.month;
                    """),
            new Query("Active on 2026-03-01 and canceled by 2026-06-01", "Subscriptions active on one date and canceled by another", """
                    select s.id, s.customer, later.canceled_at
                    from subscriptions_as_of('2026-03-01') as s
                    join subscriptions_as_of('2026-06-01') as later using (id)
                    where s.status = 'active'
                      and later.status = 'canceled'
                    order by s.id;
                    """),
            new Query("Started and not ended on 2026-03-01 (current state)", "Subscriptions that had started and not ended on a date", """
                    select id, customer, status as status_now, created, ended_at
                    from subscriptions
                    where created <= '2026-03-01'
                      and (ended_at is null or ended_at > '2026-03-01')
                    order by id;
                    """),
            new Query("Dispute status changes of one charge", "How many times a charge's dispute changed status", """
                    select d.id as dispute, d.status, count(*) filter (where c.changes ? 'status') as status_changes
                    from disputes as d
                    cross join lateral object_changes('dispute', d.id) as c
                    where d.charge = 'ch_6'
                    group by d.id, d.status;
                    """),
            new Query("Failed payments per customer, two months", "Failed payments per customer in a period", """
                    select ch.customer, cu.email, count(*) as failed, sum(ch.amount) as amount,
                           string_agg(distinct ch.failure_code, ', ' order by ch.failure_code) as failure_codes
                    from charges as ch
                    left join customers as cu on cu.id = ch.customer
                    where ch.status = 'failed' and ch.created >= '2026-03-01' and ch.created < '2026-05-01'
                    group by ch.customer, cu.email
                    order by failed desc, ch.customer;
                    """),
            new Query("Early fraud warnings, last 24 hours", "Early fraud warnings in the last 24 hours", """
                    select w.id, w.charge, w.fraud_type, w.actionable, ch.amount, cu.email
                    from early_fraud_warnings as w
                    left join charges as ch on ch.id = w.charge
                    left join customers as cu on cu.id = ch.customer
                    where w.created >= now() - interval '24 hours'
                    order by w.created desc;
                    """),
            new Query("One subscription's versions and changes", "An object's versions and what changed in each", """
                    select version, valid_from, event_type, changes
                    from object_changes('subscription', 'sub_2')
                    order by version;
                    """),
            new Query("Customers whose email changed", "Customers whose email changed", """
                    select id, valid_from as changed_at, old_email, email as new_email
                    from (select id, version, valid_from, data->>'email' as email,
                                 lag(data->>'email') over (partition by id order by version) as old_email
                          from history
                          where object_type = 'customer') as h
                    where version > 1 and email is distinct from old_email
                    order by changed_at, id;
                    """),
            new Query("Objects deleted in a month", "Objects deleted in a period", """
                    select object_type, id, valid_from as deleted_at
                    from objects
                    where deleted and valid_from >= '2026-05-01' and valid_from < '2026-06-01'
                    order by deleted_at, object_type, id;
                    """),
            new Query("Customers by metadata value", "Customers by metadata value", """
                    select c.id, c.email
                    from customers_metadata as m
                    join customers as c on c.id = m.customer_id
                    where m.key = 'segment' and m.value = 'enterprise' and not c.deleted
                    order by c.id;
                    """),
            new Query("One customer's lifetime value", "A customer's lifetime value", """
                    select customer, sum(amount - amount_refunded) as lifetime_value, count(*) as payments,
                           min(created) as first_payment, max(created) as last_payment
                    from charges
                    where customer = 'cus_ada' and status = 'succeeded'
                    group by customer;
                    """),
            new Query("Invoices with more than two lines", "Invoices with more than two lines", """
                    select i.id, i.customer, i.status, count(*) as lines
                    from invoices as i
                    join invoice_line_items as l on l.parent_type = 'invoice' and l.parent_id = i.id
                    group by i.id, i.customer, i.status
                    having count(*) > 2
                    order by lines desc, i.id;
                    """),
            new Query("Items taken off subscriptions, one quarter", "Items taken off subscriptions", """
                    select s.parent_id as subscription, s.id as item, s.valid_from as removed_at,
                           last.data -> 'price' ->> 'id' as price, (last.data ->> 'quantity')::int as quantity
                    from subscription_items as s
                    cross join lateral (
                        select h.data from history as h
                        where h.object_type = 'subscription_item' and h.id = s.id and not h.deleted
                        order by h.version desc
                        limit 1) as last
                    where s.deleted and s.valid_from >= '2026-04-01' and s.valid_from < '2026-07-01'
                    order by removed_at, item;
                    """),
            new Query("Refunds per charge", "Refunds per charge", """
                    select r.charge, ch.amount, count(*) as refunds, sum(r.amount) as refunded,
                           sum(r.amount) = ch.amount as fully_refunded
                    from refunds as r
                    join charges as ch on ch.id = r.charge
                    where r.status = 'succeeded'
                    group by r.charge, ch.amount
                    order by r.charge;
                    """));

    private QueryBenchmark() {
    }

    /**
     * The whole benchmark on a new embedded PostgreSQL in {@code dataDir} (a new directory under
     * the system temp dir when empty), deleted afterwards unless {@code keep}.
     */
    public static QueryReport run(Settings settings, Optional<Path> dataDir, boolean keep, String command,
                                  PrintWriter progress) throws IOException, SQLException, InterruptedException {
        try (DataDirectory dir = DataDirectory.create(dataDir, keep)) {
            progress.println("bench queries: embedded PostgreSQL in " + dir.path());
            progress.flush();
            // Interrupted (Ctrl-C), the JVM would leave PostgreSQL running in a directory no one adopts.
            AtomicReference<Database> opened = new AtomicReference<>();
            Thread cleanUp = new Thread(() -> {
                Optional.ofNullable(opened.get()).ifPresent(Database::close);
                dir.deleteQuietly();
            }, "bench-clean-up");
            Runtime.getRuntime().addShutdownHook(cleanUp);
            try (Database db = Database.open(new DatabaseSettings(Optional.empty(), dir.path(), "stripe"), settings.writers() + 2)) {
                opened.set(db);
                db.migrate();
                return measure(db, settings, Optional.of(dir.path()), command, progress);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUp);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
                if (keep) {
                    progress.println("bench queries: kept the data directory " + dir.path());
                    progress.flush();
                }
            }
        }
    }

    /** Loads, measures and times on an open, migrated, empty database. */
    public static QueryReport measure(Database db, Settings settings, Optional<Path> dataDir, String command,
                                      PrintWriter progress) throws SQLException, InterruptedException {
        String loadAverageBefore = Machine.loadAverage();
        Load load = load(db, settings, progress);
        progress.println("bench queries: vacuum analyze");
        progress.flush();
        long analyzeStart = System.nanoTime();
        execute(db, "vacuum analyze");
        double analyzeSeconds = (System.nanoTime() - analyzeStart) / 1e9;
        Disk disk = disk(db, dataDir);
        Map<String, String> ids = exampleIds(db);
        String loadAverageQueries = Machine.loadAverage();
        List<Timing> timings = time(db, settings.runs(), ids, progress);
        return new QueryReport(command, settings, QueryReport.Host.describe(), serverSettings(db), load, analyzeSeconds,
                disk, ids, timings, List.of(loadAverageBefore, loadAverageQueries));
    }

    /** Generates the account and applies it; waits until every event is committed. */
    static Load load(Database db, Settings settings, PrintWriter progress) throws SQLException, InterruptedException {
        AccountGenerator generator = new AccountGenerator(AccountGenerator.Plan.forObjects(settings.objects()), settings.seed());
        AtomicLong submitted = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Map<Outcome, AtomicLong> outcomes = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicLong());
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int queue = 4 * settings.writers() * settings.maxBatch(); // bounded: the generator waits for the database
        long started = System.nanoTime();
        long[] lastReport = {started};
        try (Applier applier = new Applier(db.dataSource(), settings.writers(), settings.maxBatch(), queue, o -> { })
                .start(ObjectTypes.WELL_KNOWN)) {
            generator.generate(event -> {
                if (failure.get() != null) {
                    throw new IllegalStateException("Stopping the load: an event was refused", failure.get());
                }
                submitted.incrementAndGet();
                CompletableFuture<Outcome> f = applier.submit(Observation.of(event, Source.IMPORT), 600_000);
                f.whenComplete((outcome, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        outcomes.get(outcome).incrementAndGet();
                    }
                    done.incrementAndGet();
                });
            }, stories -> {
                long now = System.nanoTime();
                if (now - lastReport[0] > 10_000_000_000L) {
                    lastReport[0] = now;
                    double seconds = (now - started) / 1e9;
                    progress.printf(Locale.ROOT, "bench queries: load %3.0f%%  %,d events committed (%,.0f/s)  %.0f s%n",
                            100.0 * stories / generator.stories(), done.get(), done.get() / seconds, seconds);
                    progress.flush();
                }
            });
            while (done.get() < submitted.get()) {
                Thread.sleep(20);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("The load failed: " + failure.get().getMessage(), failure.get());
        }
        Map<String, Long> byTable = new LinkedHashMap<>();
        long objects = 0;
        List<String> tables = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select table_name from object_types order by table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("select count(*) from \"" + table + "\"")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        byTable.put(table, rs.getLong(1));
                        objects += rs.getLong(1);
                    }
                }
            }
            Map<String, Long> versionsByTable = new LinkedHashMap<>();
            long versions = 0;
            try (ResultSet rs = s.executeQuery("select t.table_name, count(*) from object_versions v"
                    + " join object_types t on t.object_type = v.object_type group by 1 order by 1")) {
                while (rs.next()) {
                    versionsByTable.put(rs.getString(1), rs.getLong(2));
                    versions += rs.getLong(2);
                }
            }
            Map<Outcome, Long> counted = new LinkedHashMap<>();
            outcomes.forEach((k, v) -> counted.put(k, v.get()));
            progress.printf(Locale.ROOT, "bench queries: loaded %,d events, %,d versions, %,d objects in %.0f s%n",
                    submitted.get(), versions, objects, seconds);
            progress.flush();
            return new Load(submitted.get(), versions, objects, byTable, versionsByTable, seconds, counted);
        }
    }

    /** Ids of the generated account that stand in for the recipes' example ids. */
    static Map<String, String> exampleIds(Database db) throws SQLException {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put(EXAMPLE_CHARGE, quoted(first(db, "select charge from disputes order by id limit 1")));
        ids.put(EXAMPLE_SUBSCRIPTION, quoted(first(db, """
                select id from object_versions where object_type = 'subscription'
                group by id order by count(*) desc, id limit 1""")));
        ids.put(EXAMPLE_CUSTOMER, quoted(first(db, """
                select customer from charges where status = 'succeeded' and customer is not null
                group by customer order by count(*) desc, customer limit 1""")));
        return ids;
    }

    /** Runs each query once untimed-for-the-median, then {@code runs} times; all rows are read. */
    static List<Timing> time(Database db, int runs, Map<String, String> ids, PrintWriter progress) throws SQLException {
        List<Timing> timings = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("set time zone 'UTC'");
            s.execute("set statement_timeout = '15min'");
            for (Query q : QUERIES) {
                String sql = q.sql();
                for (Map.Entry<String, String> id : ids.entrySet()) {
                    sql = sql.replace(id.getKey(), id.getValue());
                }
                long rows = 0;
                double first = 0;
                List<Double> times = new ArrayList<>();
                for (int run = 0; run <= runs; run++) {
                    long start = System.nanoTime();
                    long n = 0;
                    try (ResultSet rs = s.executeQuery(sql)) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= columns; i++) {
                                rs.getString(i);
                            }
                            n++;
                        }
                    }
                    double millis = (System.nanoTime() - start) / 1e6;
                    if (run == 0) {
                        first = millis;
                        rows = n;
                    } else {
                        times.add(millis);
                    }
                }
                Timing t = new Timing(q, rows, first, List.copyOf(times));
                progress.printf(Locale.ROOT, "bench queries: %-50s %,8d rows  median %,10.1f ms%n", q.name(), rows, t.median());
                progress.flush();
                timings.add(t);
            }
        }
        return timings;
    }

    static Disk disk(Database db, Optional<Path> dataDir) throws SQLException {
        String sizes = """
                select coalesce(sum(pg_total_relation_size(c.oid)) filter (where c.relname = 'events'), 0),
                       coalesce(sum(pg_total_relation_size(c.oid)) filter (where c.relname = 'object_versions'), 0),
                       coalesce(sum(pg_total_relation_size(c.oid)) filter (where c.relname in (select table_name from object_types)), 0),
                       coalesce(sum(pg_total_relation_size(c.oid)), 0)
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind in ('r', 'm')""";
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sizes)) {
            rs.next();
            return new Disk(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), dataDir.map(QueryBenchmark::bytesUnder));
        }
    }

    /** PostgreSQL's version and the settings that matter to these figures. */
    static Map<String, String> serverSettings(Database db) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("show server_version")) {
                rs.next();
                settings.put("server_version", rs.getString(1));
            }
            for (String name : List.of("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather",
                    "fsync", "synchronous_commit")) {
                try (ResultSet rs = s.executeQuery("show " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings;
    }

    private static String first(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    private static String quoted(String id) {
        return "'" + id.replace("'", "''") + "'";
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long bytesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file PostgreSQL removed meanwhile
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }
}
