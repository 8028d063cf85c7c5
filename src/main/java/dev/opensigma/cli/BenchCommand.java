package dev.opensigma.cli;

import dev.opensigma.apply.Applier;
import dev.opensigma.bench.ApplyBenchmark;
import dev.opensigma.bench.DataDirectory;
import dev.opensigma.bench.IngestBenchmark;
import dev.opensigma.bench.IngestReport;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure OpenSigma on this machine, on a fresh throw-away database.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Apply.class, BenchQueriesCommand.class,
            BenchBackfillCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = {"Webhook ingest, end to end: starts OpenSigma on a new embedded PostgreSQL (fsync on),"
                    + " sends signed synthetic events over HTTP at each concurrency, then at a fixed rate for the"
                    + " latency run, checks that every acknowledged event is stored, and measures bytes on disk per"
                    + " event. Prints a markdown report for docs/benchmarks.md (progress goes to stderr).",
                "Exits 1 if any request failed or any acknowledged event is missing."})
    static final class Ingest implements Callable<Integer> {

        @Mixin
        BenchReportOptions report;

        @Option(names = "--concurrency", split = ",", defaultValue = "1,16,64", paramLabel = "N",
                description = "Concurrent senders of each throughput run. Default: ${DEFAULT-VALUE}")
        List<Integer> concurrency;

        @Option(names = "--events", defaultValue = "3000", paramLabel = "N",
                description = "Events per throughput run (fresh ones each run). Default: ${DEFAULT-VALUE}")
        int events;

        @Option(names = "--warmup", defaultValue = "60000", paramLabel = "N",
                description = "Events sent first to warm up, not reported (the JIT compiles for about a minute"
                        + " of load; measured earlier, it takes CPU the server needs). Default: ${DEFAULT-VALUE}")
        int warmup;

        @Option(names = "--rate", defaultValue = "1000", paramLabel = "N",
                description = "Events per second of the latency run. Default: ${DEFAULT-VALUE}")
        int rate;

        @Option(names = "--seconds", defaultValue = "20", paramLabel = "N",
                description = "Length of the latency run in seconds (0 skips it). Default: ${DEFAULT-VALUE}")
        int seconds;

        @Option(names = "--writers", paramLabel = "N",
                description = "Server apply threads, as 'serve --writers'. Default: as serve (${DEFAULT-VALUE} here)")
        int writers = Applier.DEFAULT_WRITERS;

        @Option(names = "--max-batch", defaultValue = "500", paramLabel = "N",
                description = "Most events per commit, as 'serve --max-batch'. Default: ${DEFAULT-VALUE}")
        int maxBatch;

        @Override
        public Integer call() throws Exception {
            IngestBenchmark.Settings settings = new IngestBenchmark.Settings(concurrency, events, warmup, rate, seconds,
                    writers, maxBatch);
            IngestReport result;
            try (DataDirectory dir = report.directory()) {
                result = new IngestBenchmark(settings, System.err).run(dir);
            }
            report.publish(result.markdown(report.command()));
            result.problems().forEach(p -> System.err.println("error: " + p));
            return result.passed() ? 0 : 1;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"The apply path alone, without HTTP: feeds synthetic events (as import does) and snapshots"
                    + " (as the backfill will, in pages) to the applier on a new embedded PostgreSQL (fsync on), as fast"
                    + " as it takes them, and reports items/s and the CPU time of the JVM and PostgreSQL per item."
                    + " Prints a markdown report for docs/benchmarks.md (progress goes to stderr)."})
    static final class Apply implements Callable<Integer> {

        @Option(names = "--events", defaultValue = "10000", paramLabel = "N",
                description = "Events per measured run (0 skips them). Default: ${DEFAULT-VALUE}")
        int events;

        @Option(names = "--snapshots", defaultValue = "10000", paramLabel = "N",
                description = "Snapshots (new objects) per measured run (0 skips them). Default: ${DEFAULT-VALUE}")
        int snapshots;

        @Option(names = "--warmup", defaultValue = "8000", paramLabel = "N",
                description = "Events, and as many snapshots, applied first and not reported. Default: ${DEFAULT-VALUE}")
        int warmup;

        @Option(names = "--runs", defaultValue = "3", paramLabel = "N",
                description = "Measured runs of each kind, interleaved. Default: ${DEFAULT-VALUE}")
        int runs;

        @Option(names = "--page", defaultValue = "100", paramLabel = "N",
                description = "Snapshots submitted together with one observation time (a list page). Default: ${DEFAULT-VALUE}")
        int page;

        @Option(names = "--writers", paramLabel = "N",
                description = "Apply threads, as 'serve --writers'. Default: as serve (${DEFAULT-VALUE} here)")
        int writers = Applier.DEFAULT_WRITERS;

        @Option(names = "--max-batch", defaultValue = "500", paramLabel = "N",
                description = "Most observations per commit, as 'serve --max-batch'. Default: ${DEFAULT-VALUE}")
        int maxBatch;

        @Mixin
        BenchReportOptions report;

        @Override
        public Integer call() throws Exception {
            ApplyBenchmark.Settings settings = new ApplyBenchmark.Settings(events, snapshots, warmup, runs, page, writers,
                    maxBatch);
            String markdown;
            try (DataDirectory dir = report.directory()) {
                markdown = new ApplyBenchmark(settings, System.err).run(dir, report.command());
            }
            report.publish(markdown);
            return 0;
        }
    }
}
