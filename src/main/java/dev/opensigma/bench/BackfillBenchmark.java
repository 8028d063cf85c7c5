package dev.opensigma.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.backfill.ListableType;
import dev.opensigma.backfill.ListableTypes;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.sim.StripeSimulator;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The backfill, measured the way a user runs it: the simulator (Stripe's latency and rate limits,
 * or none) in this process, and {@code opensigma backfill} in a separate JVM with a small fixed
 * heap, on a new embedded PostgreSQL. Compares objects/s with the ceiling the simulator's limits
 * allow for the account's endpoints, and samples the backfill process's resident memory.
 */
public final class BackfillBenchmark {

    /** Top-level lists of the simulated business: every one of them its own rate-limited endpoint. */
    public static final List<String> DEFAULT_TYPES = List.of("customers", "products", "prices", "coupons",
            "subscriptions", "invoices", "invoice_items", "payment_intents", "charges", "refunds", "disputes",
            "balance_transactions", "payouts", "checkout_sessions", "setup_intents", "tax_rates", "credit_notes",
            "early_fraud_warnings");

    /** A live-mode key, so the simulator applies the live account limit. */
    static final String KEY = "sk_live_opensigmaBench00000000";

    public record Settings(int objects, boolean limits, List<String> types, long seed, String heap, int workers) {
    }

    /** One run's figures. */
    public record Run(boolean limits, long expectedObjects, long objects, double seconds, double ceiling,
                      long peakRss, long peakHeap, long maxHeap, long requests, long rateLimited, long serverErrors,
                      boolean completed, int endpoints, int exit) {

        double objectsPerSecond() {
            return objects / Math.max(seconds, 1e-3);
        }
    }

    private final Settings settings;
    private final PrintStream log;

    public BackfillBenchmark(Settings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public Run run(Path dataDir) throws IOException, InterruptedException {
        SimulatorSettings sim = (settings.limits() ? SimulatorSettings.defaults() : SimulatorSettings.fast())
                .withPort(0).withSeed(settings.seed()).withScale(settings.objects()).withLiveEventsPerSecond(0);
        log.println("Generating a simulated account of about " + settings.objects() + " objects ("
                + (settings.limits() ? "Stripe's latency and limits" : "no latency, no limits") + ")...");
        try (StripeSimulator simulator = StripeSimulator.start(sim)) {
            Map<String, Long> counts = simulator.objectCountsByListPath();
            long expected = 0;
            long pages = 0;
            long busiest = 0;
            int endpoints = 0;
            for (String name : settings.types()) {
                ListableType t = ListableTypes.byName(name);
                long n = counts.getOrDefault(t.path(), 0L);
                expected += n;
                long p = Math.max(1, (n + 99) / 100);
                pages += p;
                busiest = Math.max(busiest, p);
                endpoints += n > 0 ? 1 : 0;
            }
            // The fastest any client could list these endpoints: the account limit over all pages,
            // or the busiest endpoint's own limit, whichever takes longer.
            double ceiling = settings.limits()
                    ? expected / Math.max((double) pages / sim.globalLimit(), (double) busiest / sim.endpointLimit())
                    : Double.NaN;
            log.printf(Locale.ROOT, "%,d objects behind %d endpoints; ceiling %,.0f objects/s%n", expected, endpoints, ceiling);

            Path stats = dataDir.resolve("backfill-stats.json");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + settings.heap(), "-cp", System.getProperty("java.class.path"), "dev.opensigma.Main",
                    "backfill", "--data-dir", dataDir.resolve("data").toString(), "--workers", String.valueOf(settings.workers()),
                    "--types", String.join(",", settings.types()), "--connect", "--stats-file", stats.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("backfill.log").toFile());
            pb.environment().put("STRIPE_API_BASE", simulator.baseUrl());
            pb.environment().put("STRIPE_API_KEY", KEY);
            if (!settings.limits()) {
                pb.environment().put("OPENSIGMA_STRIPE_GLOBAL_RPS", "1000000");
                pb.environment().put("OPENSIGMA_STRIPE_ENDPOINT_RPS", "1000000");
            }
            Instant started = Instant.now();
            Process child = pb.start();
            long peakRss = 0;
            while (!child.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                peakRss = Math.max(peakRss, residentHighWater(child.pid()));
                long secondsSoFar = Duration.between(started, Instant.now()).toSeconds();
                if (secondsSoFar > 0 && secondsSoFar % 30 == 0) {
                    log.println("  ... " + secondsSoFar + " s, resident " + peakRss / (1024 * 1024) + " MiB");
                    Thread.sleep(1000);
                }
            }
            int exit = child.exitValue();
            if (!Files.exists(stats)) {
                throw new IllegalStateException("The backfill process exited with " + exit + " and wrote no figures;"
                        + " see " + dataDir.resolve("backfill.log"));
            }
            JsonNode s = Json.MAPPER.readTree(stats.toFile());
            return new Run(settings.limits(), expected, s.path("objects").asLong(), s.path("seconds").asDouble(), ceiling,
                    peakRss, s.path("live_heap_bytes").asLong(), s.path("max_heap_bytes").asLong(),
                    s.path("requests").asLong(), s.path("rate_limited").asLong(), s.path("server_errors").asLong(),
                    s.path("completed").asBoolean(), endpoints, exit);
        }
    }

    /** VmHWM of a process: the most resident memory it has had (0 once it is gone). */
    static long residentHighWater(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended between two samples.
        }
        return 0;
    }

    /** The load average now, for the report's "before". */
    public static String loadAverage() {
        return Machine.loadAverage();
    }

    /** The report, as markdown for docs/benchmarks.md. */
    public static String markdown(String command, String loadBefore, List<Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("- Command: `").append(command).append("`\n");
        b.append("- Machine: ").append(Machine.describe().summary()).append('\n');
        b.append(String.format(Locale.ROOT, "- Load average before: %s%n", loadBefore));
        b.append("\n| Run | Objects | Seconds | Objects/s | Ceiling | Of ceiling | Requests | 429s | Live heap at end | Peak RSS | Complete |\n");
        b.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (Run r : runs) {
            b.append(String.format(Locale.ROOT, "| %s | %,d | %.0f | %,.0f | %s | %s | %,d | %,d | %d MiB of %d | %d MiB | %s |%n",
                    r.limits() ? "Stripe's limits and latency" : "no limits, no latency", r.objects(), r.seconds(),
                    r.objectsPerSecond(), Double.isNaN(r.ceiling()) ? "-" : String.format(Locale.ROOT, "%,.0f", r.ceiling()),
                    Double.isNaN(r.ceiling()) ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * r.objectsPerSecond() / r.ceiling()),
                    r.requests(), r.rateLimited(), r.peakHeap() / (1024 * 1024), r.maxHeap() / (1024 * 1024),
                    r.peakRss() / (1024 * 1024),
                    r.completed() && r.objects() >= r.expectedObjects() ? "yes" : "**no** (" + r.objects() + " of " + r.expectedObjects() + ")"));
        }
        // How much of our own side's speed the limits and latency leave: the ceiling compares with
        // Stripe's budget, this with what this machine's write path manages at all.
        runs.stream().filter(Run::limits).findFirst().ifPresent(limited -> runs.stream().filter(r -> !r.limits())
                .findFirst().ifPresent(unlimited -> b.append(String.format(Locale.ROOT,
                        "%nWith Stripe's limits and latency the run went at %.0f %% of the speed of the run without"
                                + " them (%,.0f against %,.0f objects/s): what the limits and latency cost, whatever"
                                + " this machine's own speed.%n",
                        100 * limited.objectsPerSecond() / unlimited.objectsPerSecond(), limited.objectsPerSecond(),
                        unlimited.objectsPerSecond()))));
        return b.toString();
    }
}
