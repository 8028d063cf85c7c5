package dev.opensigma.bench;

import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How fast OpenSigma takes in webhooks, end to end: an in-process server on a fresh embedded
 * PostgreSQL (fsync on, as in production), fed signed synthetic events over real HTTP. Measures
 * throughput at a few concurrencies, then latency at a fixed rate, checks after each run that
 * every acknowledged event is stored, and finally measures bytes on disk per event.
 */
public final class IngestBenchmark {

    /** The targets: throughput at concurrency 64, and p99 latency at 1,000 events/s. */
    static final int TARGET_CONCURRENCY = 64;
    static final double TARGET_EVENTS_PER_SECOND = 5_000;
    static final int TARGET_RATE = 1_000;
    static final Duration TARGET_P99 = Duration.ofMillis(50);

    private static final String SCHEMA = "stripe";
    private static final String SECRET = "whsec_opensigma_bench";

    /**
     * @param concurrency  the closed-loop levels, each with {@code eventsPerLevel} fresh events
     * @param warmupEvents sent first and not reported, so the JIT and the pools are warm
     * @param rate         events per second of the open-loop latency run
     * @param seconds      how long the latency run lasts
     * @param writers      apply threads of the server (as {@code serve --writers})
     * @param maxBatch     most events per commit (as {@code serve --max-batch})
     */
    public record Settings(List<Integer> concurrency, int eventsPerLevel, int warmupEvents, int rate, int seconds,
                           int writers, int maxBatch) {

        public Settings {
            concurrency = List.copyOf(concurrency);
            if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("--concurrency needs one or more positive numbers, e.g. 1,16,64");
            }
            if (eventsPerLevel < 1 || warmupEvents < 0 || rate < 1 || seconds < 0 || writers < 1 || maxBatch < 1) {
                throw new IllegalArgumentException("--events, --rate, --writers and --max-batch must be positive;"
                        + " --warmup and --seconds must not be negative");
            }
        }
    }

    private final Settings settings;
    private final PrintStream progress;

    public IngestBenchmark(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** The events of every run, made before the server starts. */
    private record Loads(List<BenchEvent> warmup, List<List<BenchEvent>> levels, List<BenchEvent> latency) {
    }

    /** What the runs measured. */
    private record Results(Optional<LoadResult> warmup, List<IngestReport.Level> levels, Optional<LoadResult> latency) {
    }

    /** Runs everything against a database in {@code directory}, which should be new and empty. */
    public IngestReport run(DataDirectory directory) throws Exception {
        // Interrupted (Ctrl-C), the JVM would leave PostgreSQL running in a temporary directory
        // that no OpenSigma process will open again to adopt and stop it.
        AtomicReference<Database> opened = new AtomicReference<>();
        Thread cleanUp = new Thread(() -> {
            Optional.ofNullable(opened.get()).ifPresent(Database::close);
            directory.deleteQuietly();
        }, "bench-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            return run(directory.path(), opened);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private IngestReport run(Path dataDir, AtomicReference<Database> opened) throws Exception {
        Instant started = Instant.now();
        EventSupply supply = new EventSupply(System.nanoTime(), started.getEpochSecond() - 86_400);
        Loads loads = generate(supply);
        // A pool as large as serve's: the writers, plus a few for health checks and our own queries.
        try (Database db = Database.open(new DatabaseSettings(Optional.empty(), dataDir, SCHEMA), settings.writers() + 4)) {
            opened.set(db);
            db.migrate();
            String postgres = postgresVersion(db);
            Results results = measure(db, loads);
            StorageUsage storage = StorageUsage.measure(db.dataSource(), db.schema());
            return new IngestReport(Machine.describe(), settings, postgres, filesystem(dataDir),
                    supply.meanEventBytes(), results.warmup(), results.levels(), results.latency(), storage,
                    started, Duration.between(started, Instant.now()));
        }
    }

    /**
     * All events are made before any is sent, so that generating them takes no CPU (nor JIT
     * compilation) from the server while it is measured.
     */
    private Loads generate(EventSupply supply) {
        int latencyEvents = settings.rate() * settings.seconds();
        progress.printf(Locale.ROOT, "generating %,d events...%n", settings.warmupEvents()
                + settings.concurrency().size() * settings.eventsPerLevel() + latencyEvents);
        List<BenchEvent> warmup = supply.next(settings.warmupEvents());
        List<List<BenchEvent>> levels = new ArrayList<>();
        for (int ignored : settings.concurrency()) {
            levels.add(supply.next(settings.eventsPerLevel()));
        }
        return new Loads(warmup, levels, supply.next(latencyEvents));
    }

    private Results measure(Database db, Loads loads) throws Exception {
        ServerSettings serverSettings = new ServerSettings("127.0.0.1", 0, List.of(SECRET), Optional.empty(),
                ServerSettings.DEFAULT_MAX_BODY_BYTES, settings.writers(), settings.maxBatch(), Duration.ofSeconds(20),
                Optional.empty());
        CpuMeter cpu = new CpuMeter(postmasterPid(db));
        try (Server server = Server.start(db, serverSettings);
             WebhookClient client = new WebhookClient(URI.create("http://127.0.0.1:" + server.port() + "/webhooks"), SECRET)) {
            Measurement measurement = new Measurement(db, cpu, new WalMeter(db.dataSource()), URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
            Optional<LoadResult> warmup = Optional.empty();
            if (!loads.warmup().isEmpty()) {
                warmup = Optional.of(warmUp(measurement, client, loads.warmup()));
            }
            List<IngestReport.Level> levels = new ArrayList<>();
            for (int i = 0; i < settings.concurrency().size(); i++) {
                int concurrency = settings.concurrency().get(i);
                List<BenchEvent> load = loads.levels().get(i);
                progress.printf(Locale.ROOT, "concurrency %d: %,d events...%n", concurrency, load.size());
                LoadResult result = measurement.of(() -> ClosedLoopLoad.run(client, load, concurrency));
                progress.printf(Locale.ROOT, "  %,.0f events/s, p99 %s%s%n", result.eventsPerSecond(),
                        IngestReport.millis(result.latency().p99()), problems(result));
                levels.add(new IngestReport.Level(concurrency, result));
            }
            Optional<LoadResult> latency = Optional.empty();
            if (!loads.latency().isEmpty()) {
                progress.printf(Locale.ROOT, "latency: %,d events/s for %d s (%,d events)...%n",
                        settings.rate(), settings.seconds(), loads.latency().size());
                LoadResult result = measurement.of(() -> OpenLoopLoad.run(client, loads.latency(), settings.rate()));
                progress.printf(Locale.ROOT, "  p50 %s, p99 %s, max %s%s%n", IngestReport.millis(result.latency().p50()),
                        IngestReport.millis(result.latency().p99()), IngestReport.millis(result.latency().max()),
                        problems(result));
                latency = Optional.of(result);
            }
            return new Results(warmup, levels, latency);
        }
    }

    /**
     * Runs the loads to be measured, unreported: four fifths at the highest concurrency, then the
     * rest at the latency run's rate. The JIT keeps compiling for a long while, and for every new
     * code path and type profile (more connections, asynchronous sends); a cold path would put
     * compilation into the figures. Lower concurrencies take no path the highest does not.
     */
    private LoadResult warmUp(Measurement measurement, WebhookClient client, List<BenchEvent> load) throws Exception {
        int concurrency = settings.concurrency().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int closed = load.size() * 4 / 5;
        progress.printf(Locale.ROOT, "warm-up (not reported): %,d events at concurrency %d, %,d at %,d/s...%n",
                closed, concurrency, load.size() - closed, settings.rate());
        LoadResult first = measurement.of(() -> ClosedLoopLoad.run(client, load.subList(0, closed), concurrency));
        LoadResult second = measurement.of(() -> OpenLoopLoad.run(client, load.subList(closed, load.size()), settings.rate()));
        return first.and(second);
    }

    /** A load run, as the benchmark sees it through the load generator. */
    @FunctionalInterface
    private interface Load {
        LoadResult run() throws InterruptedException;
    }

    /** Runs a load while measuring its costs, then checks that every acknowledged event is stored. */
    private record Measurement(Database db, CpuMeter cpu, WalMeter wal, URI metrics) {

        LoadResult of(Load load) throws Exception {
            CommitCount commitsBefore = CommitCount.scrape(metrics);
            CpuMeter.Reading cpuBefore = cpu.read();
            WalMeter.Reading walBefore = wal.read();
            LoadResult result = load.run();
            CpuMeter.Reading used = cpu.read().since(cpuBefore);
            WalMeter.Reading written = wal.read().since(walBefore);
            CommitCount commits = CommitCount.scrape(metrics).since(commitsBefore);
            return result.withCosts(RunCosts.of(used, written, commits, result.acknowledged()))
                    .withMissing(StoredEvents.missing(db.dataSource(), result.acknowledgedIds()));
        }
    }

    private static String problems(LoadResult result) {
        String failed = result.failures().isEmpty() ? "" : ", FAILED requests " + result.failures();
        String lost = result.missing().isEmpty() ? "" : ", LOST " + result.missing().size() + " acknowledged events";
        return failed + lost;
    }

    private static String postgresVersion(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_setting('server_version'), current_setting('fsync'),"
                     + " current_setting('synchronous_commit')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (embedded; fsync " + rs.getString(2) + ", synchronous_commit "
                    + rs.getString(3) + ")";
        }
    }

    private static Optional<Long> postmasterPid(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return CpuMeter.parentOf(rs.getLong(1));
        }
    }

    private static String filesystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
