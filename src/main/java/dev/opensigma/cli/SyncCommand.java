package dev.opensigma.cli;

import dev.opensigma.ApiSync;
import dev.opensigma.apply.Applier;
import dev.opensigma.backfill.Backfill;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.sync.EventPoller;
import dev.opensigma.sync.Refetcher;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Stay current without a public URL: import every event Stripe still keeps (/v1/events,"
                + " up to 30 days), then poll for new ones every few seconds. Events that also arrive by webhook are"
                + " stored once.",
            "If the stored position is older than Stripe's 30-day retention, says so and reconciles with a backfill.",
            "",
            "Environment:",
            StripeApiOptions.ENVIRONMENT_HELP})
final class SyncCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--interval", defaultValue = "5", description = "Seconds between polls. Default: ${DEFAULT-VALUE}")
    int intervalSeconds;

    @Option(names = "--once", description = "Read the feed once, fetch again every object and list its events left"
            + " uncertain or incomplete, and exit (for cron jobs and scripts).")
    boolean once;

    @Mixin
    FollowedAccounts followed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StripeApi api;
        List<String> accounts;
        try {
            if (intervalSeconds < 1) {
                throw new IllegalArgumentException("--interval must be at least 1 second");
            }
            accounts = followed.all();
            api = StripeApiOptions.fromEnvironment();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        ApiSync.Settings settings = new ApiSync.Settings(accounts, Duration.ofSeconds(intervalSeconds), false, 64);
        try (Database db = database.openMigrated(8);
             Applier applier = new Applier(db.dataSource(), Applier.DEFAULT_WRITERS, 500, 10_000, outcomes -> { },
                     api.settings().apiVersion()).start(ObjectTypes.WELL_KNOWN)) {
            int refused = StripeApiOptions.claimAccount(db, api, "sync", err);
            if (refused != 0) {
                return refused;
            }
            EventPoller poller = ApiSync.poller(db.dataSource(), applier, api, settings, new Backfill(api, applier, db.dataSource()));
            EventPoller.Pass first = poller.pollOnce();
            out.printf("Read %,d event(s) from %s: %,d new, %,d already stored.%n", first.events(),
                    api.settings().baseUrl(), first.applied(), first.duplicates());
            out.flush();
            if (once) {
                // One pass of the poller works through a hundred fetches; a run that ends here does them all.
                Refetcher.Pass rest = ApiSync.refetcher(db.dataSource(), applier, api).finish();
                long fetched = first.refetched() + rest.fetched() + rest.gone();
                if (fetched + rest.failed() > 0) {
                    out.printf("Fetched again %,d object(s) and list(s) that events left uncertain or incomplete%s.%n",
                            fetched, rest.failed() > 0 ? "; " + rest.failed() + " could not be (see table refetches)" : "");
                }
                out.flush();
                return 0;
            }
            out.println("Polling every " + intervalSeconds + " s; Ctrl-C to stop.");
            out.flush();
            poller.start();
            Thread.currentThread().join();
            return 0;
        }
    }
}
