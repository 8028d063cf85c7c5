package dev.opensigma.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.apply.ApplyTimings;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.stripe.InvalidEventException;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.StripeEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The apply path alone, without HTTP: events (as {@code import} and the webhook receivers hand
 * them over) and snapshots (as the backfill will: objects fetched from the API in pages of 100)
 * fed to {@link Applier} as fast as it takes them, on a fresh embedded PostgreSQL (fsync on).
 * Measures throughput and the CPU time of the JVM and of PostgreSQL per item; a shared machine
 * moves the first much more than the second.
 */
public final class ApplyBenchmark {

    private static final String SCHEMA = "stripe";

    /**
     * @param events    synthetic events (~3 KB, mixed types, same-second bursts) per measured run
     * @param snapshots objects observed as snapshots per measured run (new objects, as a backfill of an empty mirror)
     * @param warmup    events and as many snapshots applied first, not reported
     * @param runs      measured runs of each kind, interleaved
     * @param page      snapshots submitted together, as one page of a list endpoint
     */
    public record Settings(int events, int snapshots, int warmup, int runs, int page, int writers, int maxBatch) {
        public Settings {
            if (events < 0 || snapshots < 0 || warmup < 0 || runs < 1 || page < 1 || writers < 1 || maxBatch < 1) {
                throw new IllegalArgumentException("--events, --snapshots and --warmup must not be negative;"
                        + " --runs, --page, --writers and --max-batch must be positive");
            }
        }
    }

    /** One measured run: {@code items} events or snapshots, the versions they filed and what it cost. */
    public record Run(String kind, int number, long items, long versions, long commits, double seconds,
                      double jvmCpuMillis, double postgresCpuMillis) {

        public double itemsPerSecond() {
            return items / seconds;
        }

        public double jvmMillisPerItem() {
            return jvmCpuMillis / items;
        }

        /** Negative when PostgreSQL's CPU time could not be read. */
        public double postgresMillisPerItem() {
            return postgresCpuMillis < 0 ? -1 : postgresCpuMillis / items;
        }
    }

    private final Settings settings;
    private final PrintStream progress;

    public ApplyBenchmark(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Runs everything on a new database in {@code directory}; returns the markdown report. */
    public String run(DataDirectory directory, String command) throws Exception {
        AtomicReference<Database> opened = new AtomicReference<>();
        Thread cleanUp = new Thread(() -> {
            Optional.ofNullable(opened.get()).ifPresent(Database::close);
            directory.deleteQuietly();
        }, "bench-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try (Database db = Database.open(new DatabaseSettings(Optional.empty(), directory.path(), SCHEMA),
                settings.writers() + 2)) {
            opened.set(db);
            db.migrate();
            Instant started = Instant.now();
            String load = Machine.loadAverage();
            List<Run> runs = measure(db);
            return report(command, started, load, postgresVersion(db), runs);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    /** Measures on an open, migrated, empty database. */
    public List<Run> measure(Database db) throws Exception {
        long start = Instant.now().getEpochSecond() - 30 * 86_400L;
        EventSupply events = new EventSupply(System.nanoTime(), start);
        EventSupply snapshots = new EventSupply(System.nanoTime() + 7, start);
        AtomicLong commits = new AtomicLong();
        CpuMeter cpu = new CpuMeter(postmasterPid(db));
        List<Run> runs = new ArrayList<>();
        int queue = 4 * settings.writers() * settings.maxBatch();
        try (Applier applier = new Applier(db.dataSource(), settings.writers(), settings.maxBatch(), queue,
                outcomes -> commits.incrementAndGet()).start(ObjectTypes.WELL_KNOWN)) {
            Feeder feeder = new Feeder(applier, queue);
            if (settings.warmup() > 0) {
                progress.printf(Locale.ROOT, "warm-up (not reported): %,d events, %,d snapshots...%n",
                        settings.warmup(), settings.warmup());
                feeder.events(parse(events.next(settings.warmup())));
                feeder.snapshots(objects(snapshots.next(settings.warmup())), settings.page());
            }
            for (int r = 1; r <= settings.runs(); r++) {
                if (settings.events() > 0) {
                    List<Observation> batch = parse(events.next(settings.events()));
                    runs.add(measured(db, cpu, commits, "events", r, batch.size(), () -> feeder.events(batch)));
                }
                if (settings.snapshots() > 0) {
                    List<JsonNode> objects = objects(snapshots.next(settings.snapshots() * 2));
                    List<JsonNode> some = objects.subList(0, Math.min(settings.snapshots(), objects.size()));
                    runs.add(measured(db, cpu, commits, "snapshots", r, some.size(),
                            () -> feeder.snapshots(some, settings.page())));
                }
            }
        }
        return runs;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private Run measured(Database db, CpuMeter cpu, AtomicLong commits, String kind, int number, int items, Work work)
            throws Exception {
        long versionsBefore = versions(db);
        ApplyTimings.takeMillis();
        long commitsBefore = commits.get();
        CpuMeter.Reading before = cpu.read();
        long t0 = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        CpuMeter.Reading used = cpu.read().since(before);
        Map<String, Double> steps = ApplyTimings.takeMillis();
        long versions = versions(db) - versionsBefore;
        Run run = new Run(kind, number, items, versions, commits.get() - commitsBefore, seconds,
                used.jvmNanos() / 1e6, used.postgresNanos() < 0 ? -1 : used.postgresNanos() / 1e6);
        progress.printf(Locale.ROOT, "%s run %d: %,d in %.1f s = %,.0f/s; %,d versions; CPU per item: JVM %.3f ms,"
                        + " PostgreSQL %.3f ms%n", kind, number, items, seconds, run.itemsPerSecond(), versions,
                run.jvmMillisPerItem(), run.postgresMillisPerItem());
        StringBuilder perBatch = new StringBuilder("  writers' wall time per batch:");
        double batches = Math.max(1, steps.get("batches"));
        steps.forEach((step, millis) -> {
            if (!step.equals("batches")) {
                perBatch.append(String.format(Locale.ROOT, " %s %.2f ms", step, millis / batches));
            }
        });
        progress.println(perBatch.append(String.format(Locale.ROOT, " (%,.0f batches)", batches)));
        return run;
    }

    /** Submits observations with a bounded number in flight, and waits for all of them. */
    private record Feeder(Applier applier, int inFlight) {

        void events(List<Observation> observations) throws Exception {
            Semaphore room = new Semaphore(inFlight);
            List<CompletableFuture<Outcome>> all = new ArrayList<>(observations.size());
            for (Observation o : observations) {
                room.acquire();
                CompletableFuture<Outcome> f = applier.submit(o, 600_000);
                f.whenComplete((outcome, error) -> room.release());
                all.add(f);
            }
            check(all);
        }

        /** Page by page, as a backfill fetches them: a page's objects observed at the page's fetch time. */
        void snapshots(List<JsonNode> objects, int page) throws Exception {
            Semaphore room = new Semaphore(inFlight);
            List<CompletableFuture<Outcome>> all = new ArrayList<>(objects.size());
            for (int from = 0; from < objects.size(); from += page) {
                Instant observedAt = Instant.now();
                List<JsonNode> list = objects.subList(from, Math.min(objects.size(), from + page));
                room.acquire(list.size());
                for (JsonNode object : list) {
                    CompletableFuture<Outcome> f = applier.submit(Observation.snapshot(object, observedAt, null, com.stripe.Stripe.API_VERSION), 600_000);
                    f.whenComplete((outcome, error) -> room.release());
                    all.add(f);
                }
            }
            check(all);
        }

        private static void check(List<CompletableFuture<Outcome>> all) throws Exception {
            for (CompletableFuture<Outcome> f : all) {
                Outcome outcome = f.get(); // throws if it was not committed
                if (outcome == Outcome.DUPLICATE) {
                    throw new IllegalStateException("A fresh observation was taken for a duplicate");
                }
            }
        }
    }

    private static List<Observation> parse(List<BenchEvent> events) {
        List<Observation> out = new ArrayList<>(events.size());
        for (BenchEvent e : events) {
            try {
                out.add(Observation.of(StripeEvent.parse(e.body()), Source.IMPORT));
            } catch (InvalidEventException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return out;
    }

    /** The objects of the events (each object's last state once), in first-seen order: a backfill's list. */
    private static List<JsonNode> objects(List<BenchEvent> events) {
        Map<String, JsonNode> last = new LinkedHashMap<>();
        for (BenchEvent e : events) {
            try {
                JsonNode object = Json.MAPPER.readTree(e.body()).path("data").path("object");
                String type = object.path("object").asText(null);
                if (object.hasNonNull("id") && ObjectTypes.isValidType(type) && !object.path("deleted").asBoolean(false)) {
                    last.put(type + ":" + object.get("id").asText(), object);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return new ArrayList<>(last.values());
    }

    private static long versions(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from object_versions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String report(String command, Instant started, String loadBefore, String postgres, List<Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append("- Command: `").append(command).append("`\n");
        md.append("- Machine: ").append(Machine.describe().summary()).append('\n');
        md.append("- Database: ").append(postgres).append('\n');
        md.append(String.format(Locale.ROOT, "- Apply path alone (no HTTP): %d writers, max batch %d; snapshots in pages"
                + " of %d; %,d warm-up events and snapshots first. Load average before: %s; after: %s."
                + " Run on %s, took %d s.%n%n", settings.writers(), settings.maxBatch(), settings.page(),
                settings.warmup(), loadBefore, Machine.loadAverage(), started, Duration.between(started, Instant.now()).toSeconds()));
        md.append("| Run | Items | Items/s | Versions | Items/commit | JVM CPU/item | PostgreSQL CPU/item |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %s %d | %,d | %,.0f | %,d | %.1f | %.3f ms | %s |%n", r.kind(), r.number(),
                    r.items(), r.itemsPerSecond(), r.versions(), r.commits() == 0 ? 0.0 : (double) r.items() / r.commits(),
                    r.jvmMillisPerItem(), r.postgresMillisPerItem() < 0 ? "unknown"
                            : String.format(Locale.ROOT, "%.3f ms", r.postgresMillisPerItem())));
        }
        return md.toString();
    }

    private static String postgresVersion(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_setting('server_version'), current_setting('fsync')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (embedded; fsync " + rs.getString(2) + ")";
        }
    }

    private static Optional<Long> postmasterPid(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return CpuMeter.parentOf(rs.getLong(1));
        }
    }
}
