package dev.opensigma.sim;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: Javalin on virtual threads (so simulated latency does not cap concurrency), every
 * path handed to {@link Api}, the latency slept before answering anything but a 429, every request
 * logged.
 */
final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;

    private ApiServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts listening; requests are answered by the {@link Api} in {@code api} once it is set (503
     * before: the account is still being generated, which happens meanwhile).
     */
    static ApiServer start(String host, int port, java.util.function.Supplier<Api> api, Duration latency, double jitter,
                           RequestLog requests) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = 1_000_000;
            // Pages are built from pre-rendered bytes to keep serving cheap; gzip would cost more CPU than it saves on loopback.
            config.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE;
            for (HandlerType type : new HandlerType[] {HandlerType.GET, HandlerType.POST, HandlerType.DELETE}) {
                config.routes.addHttpHandler(type, "/*", ctx -> serve(ctx, api, latency, jitter, requests));
            }
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Simulator failed on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).contentType("application/json").result("{\"error\":{\"message\":\"The simulator failed: "
                        + e.getClass().getSimpleName() + ". This is a bug in the simulator.\",\"type\":\"api_error\"}}");
            });
        });
        app.start(host, port);
        return new ApiServer(app);
    }

    private static void serve(Context ctx, java.util.function.Supplier<Api> ready, Duration latency, double jitter,
                              RequestLog requests) {
        long arrival = System.nanoTime();
        Api api = ready.get();
        if (api == null) {
            ctx.status(503).header("Stripe-Should-Retry", "true").contentType("application/json")
                    .result("{\"error\":{\"message\":\"The Stripe simulator is still generating its account; retry in a few"
                            + " seconds.\",\"type\":\"api_error\"}}");
            return;
        }
        Instant at = Instant.now();
        String method = ctx.method().name();
        byte[] body = "POST".equals(method) ? ctx.bodyAsBytes() : null;
        String stripeAccount = ctx.header("Stripe-Account");
        Api.Response response = api.handle(new Api.Request(method, ctx.path(), ctx.queryString(), body, ctx.contentType(),
                ctx.header("Authorization"), stripeAccount, ctx.header("Stripe-Version"), arrival));
        if (!response.fast()) {
            sleep(latency, jitter, arrival);
        }
        ctx.status(response.status());
        response.headers().forEach(ctx::header);
        ctx.contentType("application/json").result(response.body());
        requests.add(new ServedRequest(at, method, ctx.path(), ctx.queryString(), stripeAccount, response.maskedKey(),
                response.status(), response.endpoint()));
    }

    /** Sleeps what is left of {@code latency ± jitter} since the request arrived. */
    private static void sleep(Duration latency, double jitter, long arrival) {
        if (latency.isZero()) {
            return;
        }
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        long wait = (long) (latency.toNanos() * factor) - (System.nanoTime() - arrival);
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
