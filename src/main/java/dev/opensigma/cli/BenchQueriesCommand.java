package dev.opensigma.cli;

import dev.opensigma.bench.QueryBenchmark;
import dev.opensigma.bench.QueryReport;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench queries}: typed queries and time travel on a large generated account. */
@Command(name = "queries", mixinStandardHelpOptions = true,
        description = {"Typed queries and time travel on a large account: starts a new embedded PostgreSQL, generates"
                + " a year of a subscription business as Stripe events (streamed, not held in memory), loads it"
                + " through the apply path, runs VACUUM ANALYZE, then times each query (count by status and month,"
                + " top customers, joins, as-of queries, MRR, and every recipe of docs/queries.md).",
            "Prints a markdown report for docs/benchmarks.md (progress goes to stderr). At the default size it"
                + " takes a while and several GB of disk."})
final class BenchQueriesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--objects", defaultValue = "1000000",
            description = "Size of the account in objects (children such as invoice lines included; about 32 %%"
                    + " charges and 10 %% subscriptions). Default: ${DEFAULT-VALUE}")
    long objects;

    @Option(names = "--runs", defaultValue = "7",
            description = "Timed runs of each query, after one warm-up run. Default: ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated account. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--writers", defaultValue = "2",
            description = "Apply threads, as 'serve --writers'. Default: ${DEFAULT-VALUE}")
    int writers;

    @Option(names = "--max-batch", defaultValue = "500",
            description = "Most events per commit, as 'serve --max-batch'. Default: ${DEFAULT-VALUE}")
    int maxBatch;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        QueryBenchmark.Settings settings = new QueryBenchmark.Settings(objects, runs, seed, writers, maxBatch);
        String command = "./opensigma bench queries --objects " + objects + " --runs " + runs
                + (seed != 1 ? " --seed " + seed : "") + (writers != 2 ? " --writers " + writers : "")
                + (maxBatch != 500 ? " --max-batch " + maxBatch : "");
        QueryReport result = QueryBenchmark.run(settings, Optional.ofNullable(report.dataDir), report.keep, command, err);
        report.publish(result.markdown());
        return 0;
    }
}
