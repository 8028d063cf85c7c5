package dev.opensigma.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.store.EmbeddedPostgresServer;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.StoreConsistency;
import dev.opensigma.support.WebhookTraffic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL goes away under webhook traffic and comes back: OpenSigma answers 503 while it is
 * gone (so Stripe retries), reports it on /health, resumes by itself once it is back, and never
 * loses an event it acknowledged. Real HTTP, a real embedded PostgreSQL of the test's own.
 */
class DatabaseOutageTest {

    /** Under target/ so that the unprivileged user PostgreSQL runs as (when tests run as root) can reach it. */
    private static final Path DATA_DIR = Path.of("target", "outage-postgres").toAbsolutePath();
    private static final String SECRET = "whsec_outage_test";
    private static final Set<String> OUTAGE_CODES = Set.of("database_unavailable", "commit_timeout");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private EmbeddedPostgresServer postgres;
    private Database db;
    private Server server;
    private WebhookTraffic traffic;

    @AfterEach
    void stopEverything() {
        if (traffic != null) {
            traffic.stop();
        }
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a backstop against hangs; the waits below are far shorter
    void webhooksGet503WhileTheDatabaseIsDownAndServiceResumesWithoutLosingAcknowledgedEvents() throws Exception {
        Files.createDirectories(DATA_DIR.getParent());
        postgres = EmbeddedPostgresServer.startOrAttach(DATA_DIR);
        assertThat(postgres.ownsServer()).as("this test must own its PostgreSQL to stop it").isTrue();
        db = Database.open(new DatabaseSettings(Optional.of(postgres.connection().jdbcUrlWithCredentials()), DATA_DIR,
                "stripe"), 8);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists stripe cascade"); // what an earlier run left
        }
        db.migrate();
        server = Server.start(db, new ServerSettings("127.0.0.1", 0, List.of(SECRET), Optional.empty(),
                ServerSettings.DEFAULT_MAX_BODY_BYTES, 2, 500, Duration.ofSeconds(10), Optional.empty()));
        traffic = WebhookTraffic.start(URI.create("http://127.0.0.1:" + server.port()), SECRET, 4, 20260729L);

        traffic.awaitAcks(150, Duration.ofSeconds(45), () -> "before the outage");
        assertThat(traffic.failures()).as("failures before the outage").isEmpty();

        // PostgreSQL goes away mid-traffic.
        String jdbcUrl = postgres.connection().jdbcUrl();
        int mark = traffic.failureCount();
        EmbeddedPostgresServer stopping = postgres;
        postgres = null;
        stopping.close();

        WebhookTraffic.Failure refused = traffic.awaitFailure(mark,
                f -> f.status() == 503 && OUTAGE_CODES.contains(f.code()), Duration.ofSeconds(30),
                () -> "while PostgreSQL is stopped");
        assertThat(Json.MAPPER.readTree(refused.detail()).path("error").path("message").asText()).isNotBlank();
        HttpResponse<String> down = awaitHealth(503, Duration.ofSeconds(30));
        JsonNode report = Json.MAPPER.readTree(down.body());
        assertThat(report.path("status").asText()).as(down.body()).isEqualTo("database_unreachable");
        assertThat(report.path("database").path("reachable").isBoolean()).as(down.body()).isTrue();
        assertThat(report.path("database").path("reachable").asBoolean()).as(down.body()).isFalse();

        // PostgreSQL comes back on the same data directory (and port); OpenSigma is not restarted.
        postgres = EmbeddedPostgresServer.startOrAttach(DATA_DIR);
        assertThat(postgres.connection().jdbcUrl()).as("the port is kept in the data directory").isEqualTo(jdbcUrl);
        int acksAtRestart = traffic.ackCount();
        traffic.awaitAcks(acksAtRestart + 150, Duration.ofSeconds(45), () -> "after PostgreSQL came back");
        HttpResponse<String> up = awaitHealth(200, Duration.ofSeconds(30));
        assertThat(Json.MAPPER.readTree(up.body()).path("database").path("reachable").asBoolean()).as(up.body()).isTrue();
        traffic.stop();

        assertThat(traffic.failures())
                .as("every refusal is a clean 503 that tells the sender to retry; " + traffic.summary())
                .isNotEmpty()
                .allSatisfy(f -> {
                    assertThat(f.status()).as(f.toString()).isEqualTo(503);
                    assertThat(f.code()).as(f.toString()).isIn(OUTAGE_CODES);
                });

        // Stripe delivers again what was not acknowledged; all of it is taken now.
        assertThat(traffic.redeliverUnacked(URI.create("http://127.0.0.1:" + server.port())))
                .as("failures when delivering again what was not acknowledged").isEmpty();

        try (Connection c = db.dataSource().getConnection()) {
            assertThat(StoreConsistency.problems(c, traffic.expectations(traffic.acked())))
                    .as(traffic.summary()).isEmpty();
        }
        System.out.println("DatabaseOutageTest: " + traffic.summary());
    }

    /** Polls GET /health until it answers {@code status}. */
    private HttpResponse<String> awaitHealth(int status, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET /health did not answer " + status + " within " + limit.toSeconds() + " s; last: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()) + "; " + traffic.summary());
    }
}
