package dev.opensigma.cli;

import dev.opensigma.bench.BackfillBenchmark;
import dev.opensigma.bench.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench backfill}: the backfill against the simulator, against the ceiling its limits allow. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"The backfill, end to end: starts the Stripe simulator with a generated account (Stripe's"
                + " latency and rate limits), runs './opensigma backfill' in a separate JVM with a small heap on a new"
                + " embedded PostgreSQL, and reports objects/s against the ceiling the limits allow, peak heap and"
                + " resident memory; then the same with no latency and no limits (our own speed).",
            "Prints a markdown report for docs/benchmarks.md (progress goes to stderr). Exits 1 if a run is incomplete."})
final class BenchBackfillCommand implements Callable<Integer> {

    @Option(names = "--objects", defaultValue = "1000000", description = "Size of the simulated account. Default: ${DEFAULT-VALUE}")
    int objects;

    @Option(names = "--types", split = ",", description = "Types to copy. Default: the simulated business's top-level lists.")
    List<String> types = BackfillBenchmark.DEFAULT_TYPES;

    @Option(names = "--heap", defaultValue = "256m", description = "-Xmx of the backfill process. Default: ${DEFAULT-VALUE}")
    String heap;

    @Option(names = "--workers", defaultValue = "64", description = "As 'backfill --workers'. Default: ${DEFAULT-VALUE}")
    int workers;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulated account. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--runs", split = ",", defaultValue = "limits,unlimited",
            description = "Which runs: limits (Stripe's), unlimited (no latency or limits). Default: ${DEFAULT-VALUE}")
    List<String> runs;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        List<BackfillBenchmark.Run> results = new ArrayList<>();
        String loadBefore = BackfillBenchmark.loadAverage();
        try (DataDirectory dir = report.directory()) {
            for (String run : runs) {
                boolean limits = switch (run) {
                    case "limits" -> true;
                    case "unlimited" -> false;
                    default -> throw new IllegalArgumentException("--runs takes limits and/or unlimited, not " + run);
                };
                Path runDir = Files.createDirectories(dir.path().resolve(run));
                System.err.println("Run '" + run + "' in " + runDir);
                results.add(new BackfillBenchmark(new BackfillBenchmark.Settings(objects, limits, types, seed, heap, workers),
                        System.err).run(runDir));
            }
        }
        report.publish(BackfillBenchmark.markdown(report.command(), loadBefore, results));
        return results.stream().allMatch(r -> r.completed() && r.objects() >= r.expectedObjects()) ? 0 : 1;
    }
}
