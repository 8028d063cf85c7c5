package dev.opensigma.bench;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a {@link QueryBenchmark} run, as a markdown section for docs/benchmarks.md. */
public record QueryReport(String command, QueryBenchmark.Settings settings, Host host, Map<String, String> server,
                          QueryBenchmark.Load load, double analyzeSeconds, QueryBenchmark.Disk disk,
                          Map<String, String> exampleIds, List<QueryBenchmark.Timing> timings,
                          List<String> loadAverages) {

    /** The machine the figures come from. */
    public record Host(int cpus, String cpuModel, long memoryBytes, String os, String jdk, long maxHeapBytes) {

        static Host describe() {
            Machine m = Machine.describe();
            return new Host(m.cpus(), m.cpuModel(), m.memoryBytes(), m.os(), m.jdk(), Runtime.getRuntime().maxMemory());
        }
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Typed tables and time travel (issue: relational tables)\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s with `%s`.%n%n", LocalDate.now(ZoneOffset.UTC), command));
        md.append(String.format(Locale.ROOT, "- **Machine**: %d CPUs (%s), %s RAM, %s; %s, heap limit %s.%n",
                host.cpus(), host.cpuModel(), bytes(host.memoryBytes()), host.os(), host.jdk(), bytes(host.maxHeapBytes())));
        md.append(String.format(Locale.ROOT, "- **Load average** (1 / 5 / 15 min) when the load started: %s; when the"
                + " queries started: %s. Other work on the machine slows every figure down.%n", loadAverages.get(0),
                loadAverages.get(1)));
        md.append(String.format(Locale.ROOT, "- **Database**: embedded PostgreSQL %s, a new data directory, default settings"
                        + " (shared_buffers %s, work_mem %s, effective_cache_size %s, max_parallel_workers_per_gather %s,"
                        + " fsync %s, synchronous_commit %s).%n",
                server.get("server_version"), server.get("shared_buffers"), server.get("work_mem"),
                server.get("effective_cache_size"), server.get("max_parallel_workers_per_gather"), server.get("fsync"),
                server.get("synchronous_commit")));
        md.append(String.format(Locale.ROOT, "- **Account**: one year of a subscription business (July 2025 to June 2026),"
                + " generated as Stripe events (seed %d) and loaded through the apply path (`Applier`, %d writers,"
                + " batches of up to %d), as `import` does.%n%n", settings.seed(), settings.writers(), settings.maxBatch()));

        md.append("### Account and load\n\n");
        md.append("| table | objects | versions | per object |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, Long> t : load.objectsByTable().entrySet()) {
            long versions = load.versionsByTable().getOrDefault(t.getKey(), 0L);
            md.append(String.format(Locale.ROOT, "| `%s` | %,d | %,d | %.1f |%n", t.getKey(), t.getValue(), versions,
                    (double) versions / t.getValue()));
        }
        md.append(String.format(Locale.ROOT, "| **all** | **%,d** | **%,d** | %.1f |%n%n", load.objects(), load.versions(),
                (double) load.versions() / load.objects()));
        md.append(String.format(Locale.ROOT, "From %,d events. Versions count every copy filed: an event files its object"
                + " and the children embedded in it (an invoice's lines come again with each invoice event; `history`"
                + " hides the repeats).%n%n", load.events()));
        md.append("| load | |\n|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| time | %,.0f s |%n", load.seconds()));
        md.append(String.format(Locale.ROOT, "| events/s | %,.0f |%n", load.eventsPerSecond()));
        md.append(String.format(Locale.ROOT, "| versions/s | %,.0f |%n", load.versionsPerSecond()));
        md.append(String.format(Locale.ROOT, "| objects/s | %,.0f |%n", load.objectsPerSecond()));
        md.append(String.format(Locale.ROOT, "| `VACUUM ANALYZE` afterwards | %,.0f s |%n%n", analyzeSeconds));

        md.append("| bytes on disk (heap + TOAST + indexes) | | per event |\n|---|---:|---:|\n");
        row(md, "`events` (raw events as received)", disk.events());
        row(md, "`object_versions` (history)", disk.versions());
        row(md, "current-state tables (`customers`, `charges`, ...)", disk.objectTables());
        row(md, "whole schema", disk.schema());
        disk.dataDirectory().ifPresent(b -> row(md, "data directory (with WAL and catalogs)", b));
        md.append('\n');

        md.append(String.format(Locale.ROOT, "### Queries%n%nMilliseconds, each query run once to warm up (\"first\")"
                + " and then %d times; every row is read by the client. \"recipe\" queries are those of"
                + " [queries.md](queries.md) exactly, with the example ids replaced by ids of the generated account.%n%n",
                settings.runs()));
        md.append("| query | rows | first | median | min | max |\n|---|---:|---:|---:|---:|---:|\n");
        for (QueryBenchmark.Timing t : timings) {
            String name = t.query().recipe() != null ? t.query().name() + " (recipe)" : t.query().name();
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | **%s** | %s | %s |%n", name, t.rows(), ms(t.first()),
                    ms(t.median()), ms(t.min()), ms(t.max())));
        }
        md.append("\nThe queries that are not recipes:\n\n");
        for (QueryBenchmark.Timing t : timings) {
            if (t.query().recipe() == null) {
                md.append("```sql\n-- ").append(t.query().name()).append('\n').append(t.query().sql().strip()).append("\n```\n\n");
            }
        }
        return md.toString();
    }

    private void row(StringBuilder md, String what, long bytes) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f B |%n", what, bytes(bytes), (double) bytes / load.events()));
    }

    private static String ms(double millis) {
        return millis >= 100 ? String.format(Locale.ROOT, "%,.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
    }

    static String bytes(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%,d kB", bytes / 1024);
    }
}
