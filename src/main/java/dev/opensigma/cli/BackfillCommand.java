package dev.opensigma.cli;

import dev.opensigma.ApiSync;
import dev.opensigma.apply.Applier;
import dev.opensigma.backfill.Backfill;
import dev.opensigma.backfill.BackfillRequest;
import dev.opensigma.backfill.ListableType;
import dev.opensigma.backfill.ListableTypes;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import dev.opensigma.sync.Refetcher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Copy every object of the Stripe account through the API: every listable type (or those"
                + " given), in parallel within the rate limits, as snapshots through the same apply path as webhooks.",
            "Resumable: run the same command again after a stop and it continues where it stopped.",
            "Gap-free: the event feed's position is noted first and the events since are replayed at the end.",
            "",
            "Environment:",
            StripeApiOptions.ENVIRONMENT_HELP,
            "  DATABASE_URL                   an external PostgreSQL >= 14 instead of the embedded one"})
final class BackfillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--types", split = ",", paramLabel = "TYPE",
            description = "Only these types (comma-separated table names, e.g. customers,charges,invoice_line_items)."
                    + " Default: every listable type. --list-types shows them.")
    List<String> types = List.of();

    @Option(names = "--since", paramLabel = "DATE",
            description = "Only objects created on or after this date (2024-01-31 or 2024-01-31T12:00:00Z).")
    String since;

    @Option(names = "--account", paramLabel = "acct_...", description = "Copy this connected account instead of the key's own.")
    String account;

    @Option(names = "--connect", description = "Also copy every connected account (found through /v1/accounts).")
    boolean connect;

    @Option(names = "--workers", defaultValue = "64",
            description = "Most requests in flight. The rate budget paces them. Default: ${DEFAULT-VALUE}")
    int workers;

    @Option(names = "--stats-file", hidden = true, paramLabel = "FILE",
            description = "Write the run's figures (objects, seconds, peak heap, requests) as JSON, for 'bench backfill'.")
    Path statsFile;

    @Option(names = "--list-types", description = "List the types a backfill copies, and exit.")
    boolean listTypes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listTypes) {
            for (ListableType t : ListableTypes.all()) {
                out.printf("%-32s %-40s %s%n", t.name(), t.pathFor("{id}"),
                        t.isChild() ? "child of " + t.parent().type() : t.createdFilter() ? "split by created" : "paged whole");
            }
            out.flush();
            return 0;
        }
        BackfillRequest request;
        StripeApi api;
        try {
            request = new BackfillRequest(types, parseSince(since), account, connect, workers);
            api = StripeApiOptions.fromEnvironment();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        try (Database db = database.openMigrated(Math.min(workers, 16) + 4);
             Applier applier = new Applier(db.dataSource(), 2, 500, 10_000, outcomes -> { }, api.settings().apiVersion())
                     .start(ObjectTypes.WELL_KNOWN)) {
            int refused = StripeApiOptions.claimAccount(db, api, "backfill", err);
            if (refused != 0) {
                return refused;
            }
            Backfill backfill = new Backfill(api, applier, db.dataSource());
            out.println("Backfilling from " + api.settings().baseUrl() + " with key " + api.settings().key()
                    + " (API version " + api.settings().apiVersion() + ")");
            out.flush();
            Backfill.Result result;
            try (BackfillProgressView view = new BackfillProgressView(backfill.progress(), err, ProgressBar.isTerminal())) {
                result = backfill.run(request);
            } catch (StripeApiException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 1;
            }
            double seconds = backfill.progress().seconds();
            StripeApi.Counts counts = api.counts();
            if (statsFile != null) {
                BackfillStats.write(statsFile, result, seconds, counts);
            }
            if (result.completed()) {
                out.printf("Backfill run %d %s: %,d objects in %,d pages, %.0f s (%,.0f objects/s); %,d requests,"
                                + " %,d answered 429, %,d answered 5xx; %,d event(s) applied from the feed"
                                + " (on a first run, all Stripe keeps).%n",
                        result.runId(), result.resumed() ? "resumed and completed" : "completed", result.objects(),
                        result.pages(), seconds, result.objects() / Math.max(seconds, 1e-3), counts.requests(),
                        counts.rateLimited(), counts.serverErrors(), result.eventsReplayed());
                Refetcher.Pass refetched = fetchAgain(db, applier, api, out);
                if (refetched.failed() > 0) {
                    out.printf("%,d object(s) or list(s) could not be fetched again; table refetches says why"
                            + " (select * from refetches where last_error is not null).%n", refetched.failed());
                }
                out.flush();
                return 0;
            }
            err.printf("Backfill run %d did NOT complete (%,d objects stored). %d problem(s):%n", result.runId(),
                    result.objects(), result.errors().size());
            result.errors().stream().limit(20).forEach(e -> err.println("  - " + e));
            if (result.errors().size() > 20) {
                err.println("  ... and " + (result.errors().size() - 20) + " more (see ./opensigma status)");
            }
            err.println("Fix the cause and run the same command again: finished ranges are not fetched again.");
            err.flush();
            return 1;
        }
    }

    /**
     * Fetches the objects and lists that the replayed events carry only in part (an invoice's lines
     * past the tenth, whose removals only a read of the whole list shows), so that the copy is
     * complete when the command ends rather than at the next {@code sync} or {@code serve}.
     */
    private static Refetcher.Pass fetchAgain(Database db, Applier applier, StripeApi api, PrintWriter out)
            throws SQLException, InterruptedException {
        long waiting = Refetcher.waitingCount(db.dataSource());
        if (waiting == 0) {
            return Refetcher.Pass.NONE;
        }
        out.printf("Fetching again %,d object(s) or list(s) that the replayed events carry only in part...%n", waiting);
        out.flush();
        long started = System.nanoTime();
        Refetcher.Pass pass;
        try {
            pass = ApiSync.refetcher(db.dataSource(), applier, api).finish();
        } catch (SQLException | RuntimeException e) {
            // The backfill itself is complete; what is left waits in the table for sync or serve.
            out.println("Fetching again stopped: " + e.getMessage() + ". The requests left wait in table refetches:"
                    + " ./opensigma sync --once fetches them, as does serve with STRIPE_API_KEY.");
            return Refetcher.Pass.NONE;
        }
        out.printf("Fetched again: %,d; %,d no longer at Stripe; %,d not needed (read in full by this backfill after"
                + " the event that asked, or already in the pinned API version); %.1f s.%n", pass.fetched(), pass.gone(),
                pass.notNeeded(), (System.nanoTime() - started) / 1e9);
        return pass;
    }

    static Instant parseSince(String text) {
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since '" + text + "' is not a date: expected 2024-01-31 or 2024-01-31T12:00:00Z");
        }
    }

}
