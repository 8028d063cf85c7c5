package dev.opensigma.cli;

import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import dev.opensigma.ingest.SignatureVerifier;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseUrl;
import java.io.PrintWriter;
import java.time.Duration;
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

    @Option(names = "--writers", defaultValue = "2", description = "Apply threads committing in parallel. Default: ${DEFAULT-VALUE}")
    int writers;

    @Option(names = "--max-batch", defaultValue = "500", description = "Most events per commit. Default: ${DEFAULT-VALUE}")
    int maxBatch;

    @Option(names = "--max-body-bytes", defaultValue = "" + ServerSettings.DEFAULT_MAX_BODY_BYTES,
            description = "Largest accepted request body. Default: ${DEFAULT-VALUE}")
    long maxBodyBytes;

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = new ServerSettings(host, port,
                SignatureVerifier.parseSecrets(System.getenv("STRIPE_WEBHOOK_SECRET")),
                Optional.ofNullable(System.getenv("OPENSIGMA_DIRECT_TOKEN")).filter(t -> !t.isBlank()),
                maxBodyBytes, writers, maxBatch, Duration.ofSeconds(20));
        // Registered before anything starts, so a SIGTERM during start-up still stops what did start.
        AtomicReference<Database> openDb = new AtomicReference<>();
        AtomicReference<Server> openServer = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Optional.ofNullable(openServer.get()).ifPresent(Server::close);
            Optional.ofNullable(openDb.get()).ifPresent(Database::close);
            stopped.countDown();
        }, "opensigma-shutdown"));
        Database db = database.openMigrated(writers + 4);
        openDb.set(db);
        Server server = Server.start(db, settings);
        openServer.set(server);

        var info = db.connectionInfo();
        PrintWriter out = spec.commandLine().getOut();
        out.println("OpenSigma is listening on http://" + host + ":" + server.port());
        out.println("  POST /webhooks  " + (settings.webhookSecrets().isEmpty()
                ? "disabled: set STRIPE_WEBHOOK_SECRET" : "verifying " + settings.webhookSecrets().size() + " secret(s)"));
        out.println("  POST /direct    " + (settings.directToken().isPresent() ? "enabled" : "disabled: set OPENSIGMA_DIRECT_TOKEN"));
        out.println("  GET  /health, GET /metrics");
        out.println("Database: " + DatabaseUrl.redact(info.postgresUrl()) + " (schema " + db.schema() + ")");
        if (database.settings().databaseUrl().isEmpty()) {
            out.println("  full URL with password: ./opensigma db-url   (password file: "
                    + database.dataDir.resolve("password") + ")");
        }
        out.flush();
        stopped.await();
        return 0;
    }
}
