package dev.opensigma.cli;

import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.sim.StripeSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a local Stripe API simulator: a generated account with two years of history (customers,"
                + " subscriptions, invoices, charges, refunds, disputes, payouts, Connect accounts...), served with"
                + " Stripe's lists, cursors, filters, errors, rate limits and latency, /v1/events (30 days) and signed"
                + " webhooks. Point OpenSigma (or any Stripe client) at it instead of api.stripe.com.",
            "Runs until Ctrl-C. The same --seed always generates the same account and ids."})
final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "" + SimulatorSettings.DEFAULT_PORT,
            description = "Port (0 = any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated account. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--scale", defaultValue = "small", paramLabel = "small|medium|large|N",
            description = "Objects to generate, every type and child counted: small ≈ 2,000, medium ≈ 50,000,"
                    + " large ≈ 1,000,000, or a number (at least about 600 come anyway: every account gets one of"
                    + " each feature). Default: ${DEFAULT-VALUE}")
    String scale;

    @Option(names = "--latency-ms", defaultValue = "250",
            description = "Time before each answer (± 50%%), as Stripe takes; 0 = none. Default: ${DEFAULT-VALUE}")
    int latencyMs;

    @Option(names = "--global-limit", defaultValue = "100",
            description = "Live-mode requests per second per account; 0 = unlimited. Default: ${DEFAULT-VALUE}")
    int globalLimit;

    @Option(names = "--test-global-limit", defaultValue = "25",
            description = "Test-mode requests per second per account; 0 = unlimited. Default: ${DEFAULT-VALUE}")
    int testGlobalLimit;

    @Option(names = "--endpoint-limit", defaultValue = "25",
            description = "Requests per second per endpoint (e.g. GET /v1/charges); 0 = unlimited. Default: ${DEFAULT-VALUE}")
    int endpointLimit;

    @Option(names = "--error-rate", defaultValue = "0.0",
            description = "Fraction of requests answered with an injected 500. Default: ${DEFAULT-VALUE}")
    double errorRate;

    @Option(names = "--rate-limit-rate", defaultValue = "0.0",
            description = "Fraction of requests answered with an injected 429. Default: ${DEFAULT-VALUE}")
    double rateLimitRate;

    @Option(names = "--live-events-per-second", defaultValue = "1",
            description = "Events per second, on average, from changes made while running (signups, payments,"
                    + " updates, cancellations, deletions...; each with its webhooks); 0 = none. Default: ${DEFAULT-VALUE}")
    double liveEventsPerSecond;

    @Option(names = "--connected-accounts", defaultValue = "2",
            description = "Connect accounts with data of their own. Default: ${DEFAULT-VALUE}")
    int connectedAccounts;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Accept only this key (repeatable). Default: any well-formed sk_/rk_ test or live key.")
    List<String> apiKeys;

    @Option(names = "--deny-restricted", split = ",", paramLabel = "RESOURCE",
            description = "Resources a restricted rk_ key may not read, e.g. charges,disputes (403 naming the permission).")
    List<String> denied;

    @Override
    public Integer call() throws Exception {
        SimulatorSettings settings;
        try {
            settings = SimulatorSettings.defaults().withHost(host).withPort(port).withSeed(seed)
                    .withScale(SimulatorSettings.parseScale(scale)).withLatency(Duration.ofMillis(latencyMs))
                    .withLimits(globalLimit, testGlobalLimit, endpointLimit).withErrorRate(errorRate)
                    .withRateLimitRate(rateLimitRate).withLiveEventsPerSecond(liveEventsPerSecond)
                    .withConnectedAccounts(connectedAccounts)
                    .withApiKeys(apiKeys == null ? Set.of() : Set.copyOf(apiKeys))
                    .withDeniedToRestrictedKeys(denied == null ? Set.of() : Set.copyOf(denied));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Generating a Stripe account of about %,d objects (seed %d)...%n", settings.scale(), seed);
        out.flush();
        StripeSimulator simulator = StripeSimulator.start(settings);
        Thread hook = new Thread(simulator::close, "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            String key = apiKeys == null || apiKeys.isEmpty() ? "sk_test_" + exampleKey(seed) : apiKeys.getFirst();
            out.println("Stripe API simulator listening on " + simulator.baseUrl());
            out.printf(Locale.ROOT, "  platform account %s, connected %s%n", simulator.platformAccountId(),
                    simulator.connectedAccountIds().isEmpty() ? "none" : String.join(", ", simulator.connectedAccountIds()));
            out.printf(Locale.ROOT, "  %,d objects generated in %.1f s; live activity: %s%n",
                    simulator.objectCount(), simulator.generationTime().toMillis() / 1000.0,
                    liveEventsPerSecond == 0 ? "none" : "about " + fmt(liveEventsPerSecond) + " event(s)/s");
            out.printf(Locale.ROOT, "  limits: %s req/s live, %s req/s test, %s req/s per endpoint; latency %d ms ± 50%%%n",
                    limit(globalLimit), limit(testGlobalLimit), limit(endpointLimit), latencyMs);
            out.println("  example key: " + key + (apiKeys == null || apiKeys.isEmpty()
                    ? " (any well-formed sk_test_/sk_live_/rk_test_/rk_live_ key works; live keys get the live limit)" : ""));
            out.println("Point OpenSigma at it:");
            out.println("  STRIPE_API_BASE=" + simulator.baseUrl() + " STRIPE_API_KEY=" + key + " ./opensigma backfill");
            out.println("Press Ctrl-C to stop.");
            out.flush();
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            interrupted = true; // stopped by the caller (tests); the flag is restored once the server has stopped
        } finally {
            simulator.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs anyway
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String exampleKey(long seed) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        java.util.Random random = new java.util.Random(seed);
        StringBuilder sb = new StringBuilder("51Sim");
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String limit(int perSecond) {
        return perSecond == 0 ? "unlimited" : Integer.toString(perSecond);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
