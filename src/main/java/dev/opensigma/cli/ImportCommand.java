package dev.opensigma.cli;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Outcome;
import dev.opensigma.ingest.NdjsonImporter;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.ObjectTypes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Replay events from an NDJSON file (one Stripe event per line) through the same apply path"
                + " as webhooks.",
            "Safe to repeat: events already stored are recognised and skipped."})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", paramLabel = "FILE", description = "NDJSON file of events.")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(file) || !Files.isReadable(file)) {
            err.println("error: cannot read " + file.toAbsolutePath() + ". Give the path of an NDJSON file"
                    + " with one Stripe event per line.");
            err.flush();
            return 2;
        }
        try (Database db = database.openMigrated(4);
             Applier applier = new Applier(db.dataSource(), Applier.DEFAULT_WRITERS, 500, 10_000, outcomes -> { })
                     .start(ObjectTypes.WELL_KNOWN)) {
            ProgressBar bar = ProgressBar.forTerminalIfAny(err, "bytes", Files.size(file));
            NdjsonImporter.Summary summary = new NdjsonImporter(applier).importFile(file, bar::update);
            bar.finish();
            out.printf("Imported %s: %d applied, %d archived without an object, %d already stored,"
                            + " %d invalid line(s), %d failed.%n", file.getFileName(),
                    summary.outcomes().getOrDefault(Outcome.APPLIED, 0L),
                    summary.outcomes().getOrDefault(Outcome.ARCHIVED, 0L),
                    summary.outcomes().getOrDefault(Outcome.DUPLICATE, 0L),
                    summary.invalidLines().size(), summary.failed());
            long otherMode = summary.outcomes().getOrDefault(Outcome.ARCHIVED_OTHER_MODE, 0L);
            if (otherMode > 0) {
                out.printf("%d event(s) of the other mode (test or live) than the account this schema mirrors"
                        + " (./opensigma status): archived in 'events', their objects not filed. Import them into"
                        + " another schema (--schema) to query them.%n", otherMode);
            }
            summary.invalidLines().stream().limit(20).forEach(l -> err.println("  skipped " + l));
            if (summary.invalidLines().size() > 20) {
                err.println("  ... and " + (summary.invalidLines().size() - 20) + " more");
            }
            out.flush();
            err.flush();
            return summary.invalidLines().isEmpty() && summary.failed() == 0 ? 0 : 1;
        }
    }
}
