package dev.opensigma.cli;

import dev.opensigma.store.Database;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import dev.opensigma.sync.WebhookSetup;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "Manage the Stripe webhook endpoint that sends events to OpenSigma.",
        subcommands = WebhooksCommand.Setup.class)
final class WebhooksCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "setup", mixinStandardHelpOptions = true,
            description = {"Create (or update) a Stripe webhook endpoint for every event, with OpenSigma's pinned API"
                    + " version, and store its signing secret for 'serve' (no STRIPE_WEBHOOK_SECRET needed).",
                "Stripe shows a secret only at creation: an endpoint for the URL whose secret OpenSigma does not"
                    + " hold is deleted and created again (events of the gap come through 'sync').",
                "",
                "Environment:",
                StripeApiOptions.ENVIRONMENT_HELP})
    static final class Setup implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Option(names = "--url", required = true, description = "Public URL of OpenSigma's /webhooks, e.g. https://mirror.example.com/webhooks")
        String url;

        @Option(names = "--connect", description = "Receive the events of connected accounts (a Connect endpoint).")
        boolean connect;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            StripeApi api;
            try {
                URI uri = URI.create(url);
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                    throw new IllegalArgumentException("--url must be an http(s) URL, e.g. https://mirror.example.com/webhooks");
                }
                api = StripeApiOptions.fromEnvironment();
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 2;
            }
            try (Database db = database.openMigrated(2)) {
                int refused = StripeApiOptions.claimAccount(db, api, "webhooks setup", err);
                if (refused != 0) {
                    return refused;
                }
                WebhookSetup.Outcome outcome = new WebhookSetup(api, db.dataSource()).setUp(url, connect);
                out.printf("Webhook endpoint %s %s for %s (every event, API version %s).%n", outcome.endpointId(),
                        outcome.action(), outcome.url(), outcome.apiVersion());
                out.println("Its signing secret is stored in the database; './opensigma serve' verifies with it.");
                out.flush();
                return 0;
            } catch (StripeApiException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }
}
