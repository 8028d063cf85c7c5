package dev.opensigma.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opensigma.ingest.EventReceiver;
import dev.opensigma.ingest.Rejection;
import dev.opensigma.stripe.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** OpenSigma's HTTP endpoints. */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /** The interface for the endpoint handlers to ask about health. */
    public interface HealthProbe {
        Map<String, Object> report();

        boolean healthy(Map<String, Object> report);
    }

    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    public static HttpServer start(String host, int port, EventReceiver receiver, HealthProbe health,
                                   PrometheusMeterRegistry metrics, long maxBodyBytes) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            // Our own limit (with a JSON error) applies first; Javalin's is a backstop.
            config.http.maxRequestSize = maxBodyBytes * 2;
            config.routes.post("/webhooks", ctx -> receive(ctx, receiver, true));
            config.routes.post("/direct", ctx -> receive(ctx, receiver, false));
            config.routes.get("/health", ctx -> {
                Map<String, Object> report = health.report();
                json(ctx, health.healthy(report) ? 200 : 503, report);
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || !ctx.result().startsWith("{")) { // not one of our JSON answers
                    error(ctx, 404, "not_found", "No endpoint " + ctx.method() + " " + ctx.path()
                            + ". Endpoints: POST /webhooks, POST /direct, GET /health, GET /metrics.");
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal_error", "Unexpected error: " + e.getClass().getSimpleName()
                        + ". Nothing was acknowledged; retry.");
            });
        });
        app.start(host, port);
        return new HttpServer(app);
    }

    public int port() {
        return app.port();
    }

    private static void receive(Context ctx, EventReceiver receiver, boolean webhook) {
        long length = ctx.contentLength();
        String credential = webhook ? ctx.header("Stripe-Signature") : ctx.header("Authorization");
        EventReceiver.Request request = new EventReceiver.Request(length, ctx.contentType(), credential,
                ctx::bodyAsBytes);
        try {
            EventReceiver.Receipt receipt = webhook ? receiver.webhook(request) : receiver.direct(request);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("received", true);
            body.put("id", receipt.eventId());
            body.put("outcome", receipt.outcome().name().toLowerCase());
            json(ctx, 200, body);
        } catch (Rejection r) {
            error(ctx, r.status(), r.code(), r.getMessage());
        }
    }

    private static void error(Context ctx, int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        json(ctx, status, Map.of("error", error));
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
