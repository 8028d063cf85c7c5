package dev.opensigma.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The results of an ingest benchmark, and their markdown for {@code docs/benchmarks.md}. */
public final class IngestReport {

    /** One closed-loop run. */
    record Level(int concurrency, LoadResult result) {
    }

    private final Machine machine;
    private final IngestBenchmark.Settings settings;
    private final String postgres;
    private final String filesystem;
    private final double meanEventBytes;
    private final Optional<LoadResult> warmup;
    private final List<Level> levels;
    private final Optional<LoadResult> latency;
    private final StorageUsage storage;
    private final Instant started;
    private final Duration took;

    IngestReport(Machine machine, IngestBenchmark.Settings settings, String postgres, String filesystem,
                 double meanEventBytes, Optional<LoadResult> warmup, List<Level> levels, Optional<LoadResult> latency, StorageUsage storage,
                 Instant started, Duration took) {
        this.machine = machine;
        this.settings = settings;
        this.postgres = postgres;
        this.filesystem = filesystem;
        this.meanEventBytes = meanEventBytes;
        this.warmup = warmup;
        this.levels = List.copyOf(levels);
        this.latency = latency;
        this.storage = storage;
        this.started = started;
        this.took = took;
    }

    /** What went wrong: failed requests and, worse, acknowledged events that were not stored. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        warmup.ifPresent(w -> describeProblems("warm-up", w, problems));
        for (Level level : levels) {
            describeProblems("concurrency " + level.concurrency(), level.result(), problems);
        }
        latency.ifPresent(l -> describeProblems("latency run", l, problems));
        return problems;
    }

    public boolean passed() {
        return problems().isEmpty();
    }

    private static void describeProblems(String run, LoadResult result, List<String> problems) {
        if (!result.missing().isEmpty()) {
            problems.add(String.format(Locale.ROOT, "%s: %,d acknowledged event(s) are NOT stored, e.g. %s", run,
                    result.missing().size(), result.missing().subList(0, Math.min(5, result.missing().size()))));
        }
        if (!result.failures().isEmpty()) {
            problems.add(run + ": requests failed " + result.failures() + " (status or error: count)");
        }
    }

    public String markdown(String command) {
        StringBuilder md = new StringBuilder();
        md.append("- Command: `").append(command).append("`\n");
        md.append("- Machine: ").append(machine.summary()).append('\n');
        md.append("- Database: ").append(postgres).append(", data directory on ").append(filesystem).append('\n');
        md.append(String.format(Locale.ROOT, "- Load: synthetic Stripe events of mixed types (mean %,.0f bytes), each"
                        + " signed and POSTed alone to /webhooks over HTTP/1.1 by a client in the same JVM; server with"
                        + " %d writer%s, max batch %d; %,d warm-up events first. Run on %s, took %d s.%n",
                meanEventBytes, settings.writers(), settings.writers() == 1 ? "" : "s", settings.maxBatch(), settings.warmupEvents(),
                started.truncatedTo(ChronoUnit.SECONDS), took.toSeconds()));
        md.append('\n');
        md.append("| Run | Events | Events/s | p50 | p90 | p99 | max | Failed | Lost | Target |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (Level level : levels) {
            String target = level.concurrency() == IngestBenchmark.TARGET_CONCURRENCY
                    ? String.format(Locale.ROOT, "≥ %,.0f/s: %s", IngestBenchmark.TARGET_EVENTS_PER_SECOND,
                    verdict(level.result().eventsPerSecond() >= IngestBenchmark.TARGET_EVENTS_PER_SECOND))
                    : "";
            row(md, "concurrency " + level.concurrency(), level.result(), target);
        }
        latency.ifPresent(l -> {
            String target = settings.rate() == IngestBenchmark.TARGET_RATE
                    ? "p99 ≤ " + IngestBenchmark.TARGET_P99.toMillis() + " ms: "
                    + verdict(l.latency().p99().compareTo(IngestBenchmark.TARGET_P99) <= 0)
                    : String.format(Locale.ROOT, "(the p99 target is for %,d/s)", IngestBenchmark.TARGET_RATE);
            row(md, String.format(Locale.ROOT, "%,d/s for %d s, open loop", settings.rate(), settings.seconds()), l, target);
        });
        md.append('\n');
        md.append("Concurrency rows: closed loop, each sender waits for its answer (latency from send to answer)."
                + " Open-loop row: events are due at a fixed rate whatever the answers; latency counts from each"
                + " event's due time, so stalls are not hidden, and events/s is the rate achieved. Lost: acknowledged"
                + " (2xx) but not found in `events` afterwards.\n");
        md.append('\n');
        appendCosts(md);
        for (String problem : problems()) {
            md.append("\n**Problem:** ").append(problem).append('\n');
        }
        md.append('\n');
        appendStorage(md);
        return md.toString();
    }

    /** Where the time went: with the figures above, tells a CPU-bound run from one waiting on fsync or locks. */
    private void appendCosts(StringBuilder md) {
        md.append("| Run | Events/commit | JVM CPU/event | of which JIT | PostgreSQL CPU/event | CPU busy | WAL/event"
                + " | checkpoints |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Level level : levels) {
            costRow(md, "concurrency " + level.concurrency(), level.result());
        }
        latency.ifPresent(l -> costRow(md, String.format(Locale.ROOT, "%,d/s open loop", settings.rate()), l));
        md.append('\n');
        md.append("JVM CPU is the server and the load generator together (same process); \"of which JIT\" is the CPU"
                + " time of the JIT compiler threads, still large in a JVM only minutes old. CPU busy: JVM and PostgreSQL"
                + " CPU time over the run's wall time times the CPUs; the rest went to waiting (fsync, locks) or to"
                + " other processes on the machine. WAL/event: write-ahead log PostgreSQL wrote per event, what every"
                + " row, index entry and TOAST chunk costs before it reaches a table. Checkpoints: started during the"
                + " run; after one, the first change of each page logs the whole page, so a run that crosses one pays"
                + " more.\n");
    }

    private void costRow(StringBuilder md, String run, LoadResult result) {
        RunCosts costs = result.costs();
        String postgresCpu = orUnknown(costs.postgresCpuMillis());
        double cpuMillis = (costs.jvmCpuMillis() + Math.max(0, costs.postgresCpuMillis())) * result.acknowledged();
        double busy = cpuMillis / (result.elapsed().toNanos() / 1e6 * machine.cpus());
        String wal = costs.walBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f B", costs.walBytes());
        String checkpoints = costs.checkpoints() < 0 ? "n/a" : Long.toString(costs.checkpoints());
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f ms | %s | %s | %.0f%% | %s | %s |%n", run,
                costs.eventsPerCommit(), costs.jvmCpuMillis(), orUnknown(costs.jitMillis()), postgresCpu, busy * 100,
                wal, checkpoints));
    }

    private static String orUnknown(double millis) {
        return millis < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f ms", millis);
    }

    private void appendStorage(StringBuilder md) {
        md.append(String.format(Locale.ROOT, "Storage after %,d events: **%,.0f bytes on disk per event**"
                        + " (`pg_total_relation_size`: heap, TOAST and indexes; WAL not counted).%n%n",
                storage.events(), storage.bytesPerEvent(storage.totalBytes())));
        md.append("| Table | Size | Bytes/event |\n|---|--:|--:|\n");
        // Small tables (mostly the empty partitions of pre-created types) share one row.
        long smallLimit = storage.totalBytes() / 100;
        long smallBytes = 0;
        int smallTables = 0;
        for (StorageUsage.TableSize table : storage.tables()) {
            if (table.bytes() < smallLimit) {
                smallBytes += table.bytes();
                smallTables++;
            } else {
                md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f |%n", table.table(), mebibytes(table.bytes()),
                        storage.bytesPerEvent(table.bytes())));
            }
        }
        if (smallTables > 0) {
            md.append(String.format(Locale.ROOT, "| %d smaller tables, each < 1%% | %s | %,.0f |%n", smallTables,
                    mebibytes(smallBytes), storage.bytesPerEvent(smallBytes)));
        }
        md.append(String.format(Locale.ROOT, "| **total** | **%s** | **%,.0f** |%n", mebibytes(storage.totalBytes()),
                storage.bytesPerEvent(storage.totalBytes())));
    }

    private static void row(StringBuilder md, String run, LoadResult result, String target) {
        Percentiles p = result.latency();
        long failed = result.deliveries().size() - result.acknowledged();
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %s | %s | %s | %s | %,d | %,d | %s |%n", run,
                result.deliveries().size(), result.eventsPerSecond(), millis(p.p50()), millis(p.p90()), millis(p.p99()),
                millis(p.max()), failed, result.missing().size(), target));
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    static String millis(Duration d) {
        double ms = d.toNanos() / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.1f ms" : "%,.0f ms", ms);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024));
    }
}
