package dev.opensigma.cli;

import dev.opensigma.ApiSync;
import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import dev.opensigma.apply.Applier;
import dev.opensigma.ingest.SignatureVerifier;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseUrl;
import dev.opensigma.stripe.api.AccessDeniedException;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import dev.opensigma.sync.MirroredAccount;
import dev.opensigma.sync.WebhookSetup;
import dev.opensigma.sync.WrongAccountException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Receive Stripe webhooks (and relayed events) and keep every event, every object's"
                + " current state and its full history in PostgreSQL.",
            "",
            "Environment:",
            "  STRIPE_WEBHOOK_SECRET   signing secret(s) of the webhook endpoint, comma-separated (whsec_...)",
            "  OPENSIGMA_DIRECT_TOKEN  enables POST /direct with 'Authorization: Bearer <token>'",
            "  STRIPE_API_KEY          also follow the account through the API: a first backfill (unless one",
            "                          completed before) and polling of /v1/events (see 'backfill', 'sync')",
            "  STRIPE_API_BASE         the API's URL (default https://api.stripe.com)",
            "  DATABASE_URL            an external PostgreSQL >= 14 instead of the embedded one"})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--host", defaultValue = "${env:OPENSIGMA_HOST:-127.0.0.1}",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (loopback only; use 0.0.0.0 behind a proxy).")
    String host;

    @Option(names = "--port", defaultValue = "${env:OPENSIGMA_PORT:-8080}", description = "HTTP port. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--writers", description = "Apply threads committing in parallel, each writing its own"
            + " objects. Default: one per two CPUs, at least 2, at most 4 (${DEFAULT-VALUE} here)")
    int writers = Applier.DEFAULT_WRITERS;

    @Option(names = "--max-batch", defaultValue = "500", description = "Most events per commit. Default: ${DEFAULT-VALUE}")
    int maxBatch;

    @Option(names = "--max-body-bytes", defaultValue = "" + ServerSettings.DEFAULT_MAX_BODY_BYTES,
            description = "Largest accepted request body. Default: ${DEFAULT-VALUE}")
    long maxBodyBytes;

    @Mixin
    FollowedAccounts followed;

    @Option(names = "--poll-interval", defaultValue = "5",
            description = "With STRIPE_API_KEY: seconds between reads of /v1/events. Default: ${DEFAULT-VALUE}")
    int pollSeconds;

    @Override
    public Integer call() throws Exception {
        Optional<StripeApi> api;
        List<String> accounts;
        try {
            api = StripeApiOptions.configured() ? Optional.of(StripeApiOptions.fromEnvironment()) : Optional.empty();
            accounts = followed.all();
            if (api.isEmpty() && accounts.size() > 1) {
                throw new IllegalArgumentException("--account follows a connected account through the Stripe API:"
                        + " set STRIPE_API_KEY (events of connected accounts also arrive by a Connect webhook endpoint:"
                        + " ./opensigma webhooks setup --connect)");
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        // Registered before anything starts, so a SIGTERM during start-up still stops what did start.
        AtomicReference<Database> openDb = new AtomicReference<>();
        AtomicReference<Server> openServer = new AtomicReference<>();
        AtomicReference<ApiSync> openSync = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Optional.ofNullable(openSync.get()).ifPresent(ApiSync::close);
            Optional.ofNullable(openServer.get()).ifPresent(Server::close);
            Optional.ofNullable(openDb.get()).ifPresent(Database::close);
            stopped.countDown();
        }, "opensigma-shutdown"));
        Database db = database.openMigrated(writers + 8);
        openDb.set(db);
        if (api.isPresent()) {
            try {
                claimAccount(db, api.get());
            } catch (WrongAccountException | AccessDeniedException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                spec.commandLine().getErr().flush();
                db.close();
                openDb.set(null);
                return 2;
            }
        }
        // Secrets from the environment, and those stored by 'webhooks setup'.
        List<String> secrets = new ArrayList<>(SignatureVerifier.parseSecrets(System.getenv("STRIPE_WEBHOOK_SECRET")));
        secrets.addAll(WebhookSetup.storedSecrets(db.dataSource()));
        ServerSettings settings = new ServerSettings(host, port, secrets,
                Optional.ofNullable(System.getenv("OPENSIGMA_DIRECT_TOKEN")).filter(t -> !t.isBlank()),
                maxBodyBytes, writers, maxBatch, Duration.ofSeconds(20), api.map(a -> a.settings().apiVersion()));
        Server server = Server.start(db, settings);
        openServer.set(server);
        if (api.isPresent()) {
            openSync.set(ApiSync.start(db.dataSource(), server.applier(), api.get(), new ApiSync.Settings(accounts,
                    Duration.ofSeconds(pollSeconds), true, 64)));
            server.follow(openSync.get());
        }

        var info = db.connectionInfo();
        PrintWriter out = spec.commandLine().getOut();
        out.println("OpenSigma is listening on http://" + host + ":" + server.port());
        out.println("  POST /webhooks  " + (settings.webhookSecrets().isEmpty()
                ? "disabled: set STRIPE_WEBHOOK_SECRET" : "verifying " + settings.webhookSecrets().size() + " secret(s)"));
        out.println("  POST /direct    " + (settings.directToken().isPresent() ? "enabled" : "disabled: set OPENSIGMA_DIRECT_TOKEN"));
        out.println("  GET  /health, GET /metrics");
        out.println("Stripe API: " + api.map(a -> "following " + a.settings().baseUrl() + " with " + a.settings().key()
                + (accounts.size() > 1 ? " and " + (accounts.size() - 1) + " connected account(s)" : "")
                + " (a first backfill unless one of every type has completed; /v1/events every " + pollSeconds + " s)")
                .orElse("not used: set STRIPE_API_KEY to backfill and poll /v1/events"));
        out.println("Database: " + DatabaseUrl.redact(info.postgresUrl()) + " (schema " + db.schema() + ")");
        if (database.settings().databaseUrl().isEmpty()) {
            out.println("  full URL with password: ./opensigma db-url   (password file: "
                    + database.dataDir.resolve("password") + ")");
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * As {@link StripeApiOptions#claimAccount(Database, StripeApi, String, PrintWriter)}, except
     * that a Stripe unreachable at start-up does not hold webhooks back: after three quick attempts
     * the key's mode is checked and its account is left for the next start.
     */
    private void claimAccount(Database db, StripeApi api) throws SQLException, InterruptedException,
            WrongAccountException, AccessDeniedException {
        String account;
        try {
            account = MirroredAccount.accountOf(new StripeApi(api.settings().withMaxAttempts(3))).orElse(null);
        } catch (AccessDeniedException e) {
            throw e;
        } catch (StripeApiException e) {
            spec.commandLine().getErr().println("warning: could not ask Stripe which account the key belongs to ("
                    + e.getMessage() + "); checked its mode only, its account at the next start.");
            account = null;
        }
        MirroredAccount.claim(db.dataSource(), db.schema(), api.settings().key(), account, "serve");
    }
}
