package dev.opensigma;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Outcome;
import dev.opensigma.ingest.EventReceiver;
import dev.opensigma.ingest.IngestMetrics;
import dev.opensigma.ingest.SignatureVerifier;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.web.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running service: the apply path over an open database, and the HTTP server in front of it.
 * This is where the parts are put together; each part knows nothing of the others' wiring.
 */
public final class Server implements AutoCloseable {

    private static final String LAST_STORED = "select max(received_at) from events";

    private final Database database;
    private final Applier applier;
    private final HttpServer http;
    private final MeterRegistry registry;
    private final HealthReport health;

    private Server(Database database, Applier applier, HttpServer http, MeterRegistry registry, HealthReport health) {
        this.database = database;
        this.applier = applier;
        this.http = http;
        this.registry = registry;
        this.health = health;
    }

    /** Starts serving on an open, migrated database. The database stays the caller's to close. */
    public static Server start(Database database, ServerSettings settings) throws SQLException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DistributionSummary batchSizes = DistributionSummary.builder("opensigma.apply.batch.size")
                .description("Events per committed transaction").register(registry);
        Applier applier = new Applier(database.dataSource(), settings.writers(), settings.maxBatch(), 10_000,
                outcomes -> recordBatch(registry, batchSizes, outcomes), settings.apiVersion().orElse(null))
                .start(ObjectTypes.WELL_KNOWN);
        IngestMetrics metrics = new IngestMetrics(registry);
        Optional<SignatureVerifier> signatures = settings.webhookSecrets().isEmpty() ? Optional.empty()
                : Optional.of(new SignatureVerifier(settings.webhookSecrets(), ServerSettings.SIGNATURE_TOLERANCE_SECONDS));
        EventReceiver receiver = new EventReceiver(applier, metrics, signatures, settings.directToken(),
                settings.maxBodyBytes(), settings.commitTimeout());
        HealthReport health = new HealthReport(database, metrics, new AtomicReference<>());
        try {
            HttpServer http = HttpServer.start(settings.host(), settings.port(), receiver, health, registry,
                    settings.maxBodyBytes());
            return new Server(database, applier, http, registry, health);
        } catch (RuntimeException e) {
            applier.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public Applier applier() {
        return applier;
    }

    /** Shows how the Stripe API side goes in {@code /health} (section {@code stripe_api}) and {@code /metrics}. */
    public void follow(ApiSync sync) {
        health.apiSync().set(sync);
        sync.register(registry);
    }

    private static void recordBatch(PrometheusMeterRegistry registry, DistributionSummary sizes, List<Outcome> outcomes) {
        sizes.record(outcomes.size());
        Counter.builder("opensigma.apply.commits").description("Transactions committed by the apply path")
                .register(registry).increment();
    }

    @Override
    public void close() {
        http.close();
        applier.close();
    }

    /** {@code GET /health}: is the database reachable, and when did the last event arrive. */
    private record HealthReport(Database database, IngestMetrics metrics, AtomicReference<ApiSync> apiSync)
            implements HttpServer.HealthProbe {

        @Override
        public Map<String, Object> report() {
            Map<String, Object> db = new LinkedHashMap<>();
            Instant lastStored = null;
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout(2);
                try (ResultSet rs = s.executeQuery(LAST_STORED)) {
                    rs.next();
                    lastStored = rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant();
                }
                db.put("reachable", true);
            } catch (SQLException e) {
                db.put("reachable", false);
                db.put("error", e.getMessage());
            }
            db.put("schema", database.schema());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("status", Boolean.TRUE.equals(db.get("reachable")) ? "ok" : "database_unreachable");
            report.put("database", db);
            report.put("last_event_received_at", metrics.lastReceived() == null ? null : metrics.lastReceived().toString());
            report.put("last_event_stored_at", lastStored == null ? null : lastStored.toString());
            ApiSync sync = apiSync.get();
            if (sync != null) {
                report.put("stripe_api", sync.health());
            }
            return report;
        }

        @Override
        public boolean healthy(Map<String, Object> report) {
            return "ok".equals(report.get("status"));
        }
    }
}
