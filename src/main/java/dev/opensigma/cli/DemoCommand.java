package dev.opensigma.cli;

import dev.opensigma.ApiSync;
import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import dev.opensigma.backfill.Backfill;
import dev.opensigma.backfill.BackfillRequest;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.sim.StripeSimulator;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.store.DatabaseUrl;
import dev.opensigma.stripe.api.ApiKey;
import dev.opensigma.stripe.api.ApiSettings;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.sync.WebhookSetup;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Try OpenSigma with no Stripe account: starts the Stripe simulator with a generated business,"
                + " backfills it into the embedded PostgreSQL, then keeps receiving its live activity by webhooks"
                + " and by polling /v1/events. Prints where to look. Ctrl-C stops everything; the data stays in"
                + " --data-dir.",
            "Nothing here talks to the real Stripe."})
final class DemoCommand implements Callable<Integer> {

    /** A test-mode key for the simulator; it has no meaning anywhere else. */
    static final String DEMO_KEY = "sk_test_opensigmaDemo000000000000";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "./opensigma-demo",
            description = "Where the demo's embedded PostgreSQL lives (kept apart from a real one). Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8080", description = "OpenSigma's HTTP port. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--simulator-port", defaultValue = "12111", description = "The simulator's port. Default: ${DEFAULT-VALUE}")
    int simulatorPort;

    @Option(names = "--scale", defaultValue = "small",
            description = "Size of the generated account: small (~2,000 objects), medium (~50,000), large (~1,000,000)"
                    + " or a number. Default: ${DEFAULT-VALUE}")
    String scale;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated account. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--live-events-per-second", defaultValue = "1",
            description = "New activity in the simulated account. Default: ${DEFAULT-VALUE}")
    double liveRate;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Exit once the account is copied and the feed read once (for tests).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimulatorSettings simSettings;
        try {
            // Stripe's latency and per-endpoint limits; the test-mode account limit raised to the
            // live one so the demo fills in seconds.
            simSettings = SimulatorSettings.defaults().withPort(simulatorPort).withSeed(seed)
                    .withScale(SimulatorSettings.parseScale(scale)).withLiveEventsPerSecond(liveRate)
                    .withTestModeGlobalLimit(100);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        long started = System.nanoTime();
        out.println("Generating a simulated Stripe account (" + scale + ")...");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        try (StripeSimulator simulator = StripeSimulator.start(simSettings);
             Database db = Database.open(new DatabaseSettings(Optional.empty(), dataDir, "stripe"), 24)) {
            db.migrate();
            StripeApi api = new StripeApi(ApiSettings.defaults(URI.create(simulator.baseUrl()), ApiKey.of(DEMO_KEY))
                    .withBudget(96, 24));
            // Another --seed on the same --data-dir is another account: refused, as for a real key.
            int refused = StripeApiOptions.claimAccount(db, api, "demo", err);
            if (refused != 0) {
                return refused;
            }
            WebhookSetup.Outcome webhook = new WebhookSetup(api, db.dataSource())
                    .setUp("http://127.0.0.1:" + port + "/webhooks", false);
            ServerSettings settings = new ServerSettings("127.0.0.1", port, WebhookSetup.storedSecrets(db.dataSource()),
                    Optional.empty(), ServerSettings.DEFAULT_MAX_BODY_BYTES, 2, 500, Duration.ofSeconds(20),
                    Optional.of(api.settings().apiVersion()));
            try (Server server = Server.start(db, settings)) {
                out.println("Simulator: " + simulator.baseUrl() + " (key " + DEMO_KEY + "), webhook endpoint "
                        + webhook.endpointId() + " -> http://127.0.0.1:" + server.port() + "/webhooks");
                out.println("Backfilling...");
                out.flush();
                Backfill backfill = new Backfill(api, server.applier(), db.dataSource());
                Backfill.Result result;
                try (BackfillProgressView view = new BackfillProgressView(backfill.progress(), err, ProgressBar.isTerminal())) {
                    // Connected accounts too, as 'backfill --connect': the simulated platform has two.
                    result = backfill.run(new BackfillRequest(List.of(), null, null, true, 64));
                }
                out.printf("Backfill %s: %,d objects in %.0f s (%.0f s since the demo started).%n",
                        result.completed() ? "completed" : "did NOT complete", result.objects(),
                        backfill.progress().seconds(), (System.nanoTime() - started) / 1e9);
                result.errors().forEach(e -> err.println("  - " + e));
                if (!result.completed()) {
                    return 1;
                }
                List<String> followed = new ArrayList<>(List.of(""));
                followed.addAll(simulator.connectedAccountIds());
                try (ApiSync sync = ApiSync.start(db.dataSource(), server.applier(), api, new ApiSync.Settings(followed,
                        Duration.ofSeconds(5), true, 64))) {
                    server.follow(sync);
                    printWhereToLook(out, db, followed.size() - 1);
                    if (exitWhenReady) {
                        return 0;
                    }
                    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                    stopped.await();
                }
            }
        }
        return 0;
    }

    private void printWhereToLook(PrintWriter out, Database db, int connectedAccounts) {
        String flags = " --data-dir " + dataDir;
        out.println();
        out.println("OpenSigma is following the simulated account: webhooks on http://127.0.0.1:" + port
                + "/webhooks, and /v1/events every 5 s" + (connectedAccounts > 0
                ? " (also for its " + connectedAccounts + " connected accounts, with Stripe-Account)." : "."));
        out.println("Database: " + DatabaseUrl.redact(db.connectionInfo().postgresUrl()) + " (schema stripe);"
                + " full URL: ./opensigma db-url" + flags);
        out.println("Try:");
        out.println("  ./opensigma query" + flags + " \"select status, count(*) from subscriptions group by 1\"");
        out.println("  ./opensigma query" + flags + " \"select date_trunc('month', created) as month, count(*), sum(amount)"
                + " from charges where status = 'succeeded' group by 1 order by 1\"");
        out.println("  ./opensigma query" + flags + " \"select id, version, valid_from, event_type from history"
                + " order by valid_from desc limit 10\"");
        out.println("  ./opensigma query" + flags + " \"select coalesce(account, 'platform') as account, count(*),"
                + " sum(amount) from charges group by 1 order by 1\"");
        out.println("  ./opensigma search" + flags + " \"example.org\"");
        out.println("  ./opensigma status" + flags);
        out.println("Ctrl-C to stop.");
        out.flush();
    }
}
