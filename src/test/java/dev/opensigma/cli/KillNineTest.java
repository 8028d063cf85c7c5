package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.ConnectionInfo;
import dev.opensigma.store.EmbeddedPostgresServer;
import dev.opensigma.support.StoreConsistency;
import dev.opensigma.support.WebhookTraffic;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code serve} is killed with SIGKILL under webhook traffic. The next {@code serve} on the same
 * data directory adopts the PostgreSQL the killed one left running, and every event the killed
 * one acknowledged is there, with exactly one version each. OpenSigma runs as a separate JVM,
 * the way it is deployed; its output goes to {@code target/kill-nine/serve-N.log}.
 */
class KillNineTest {

    private static final Path WORK = Path.of("target", "kill-nine").toAbsolutePath();
    /** Under target/ so that the unprivileged user PostgreSQL runs as (when tests run as root) can reach it. */
    private static final Path DATA_DIR = WORK.resolve("data");
    private static final Path POSTMASTER_PID = DATA_DIR.resolve("postgres").resolve("postmaster.pid");
    private static final String SECRET = "whsec_kill_nine_test";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final List<Child> children = new ArrayList<>();
    private WebhookTraffic traffic;

    /** One {@code serve} process and where its output goes. */
    private record Child(Process process, Path log, int port) {

        URI base() {
            return URI.create("http://127.0.0.1:" + port);
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output at " + log + ")";
            }
        }

        String tail() {
            List<String> lines = output().lines().toList();
            return "--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    @BeforeEach
    void freshDataDirectory() throws IOException {
        stopLeftoverPostgres();
        if (Files.exists(WORK)) {
            try (var paths = Files.walk(WORK)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(WORK);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (traffic != null) {
            traffic.stop();
        }
        for (Child child : children) {
            if (child.process().isAlive()) {
                child.process().destroyForcibly();
                child.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
        stopLeftoverPostgres();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a backstop against hangs; the waits below are far shorter
    void everyAcknowledgedEventSurvivesAKill9AndTheNextServeAdoptsTheOrphanedPostgres() throws Exception {
        Child first = launchServe();
        awaitHealthy(first);

        traffic = WebhookTraffic.start(first.base(), SECRET, 4, 9L);
        traffic.awaitAcks(100, Duration.ofSeconds(45), first::tail);
        first.process().destroyForcibly(); // SIGKILL, mid-traffic
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).as("the killed serve exits").isTrue();
        traffic.stop();
        assertThat(POSTMASTER_PID).as("the killed serve leaves its PostgreSQL running\n" + first.tail()).exists();

        Child second = launchServe();
        awaitHealthy(second);
        assertThat(second.output()).as("the second serve adopts the orphaned PostgreSQL\n" + second.tail())
                .contains("Adopting the embedded PostgreSQL");

        // Stripe delivers again what was not acknowledged (some of it may have been stored already).
        assertThat(traffic.redeliverUnacked(second.base()))
                .as("failures when delivering again what was not acknowledged\n" + second.tail()).isEmpty();

        Map<String, Boolean> acknowledged = traffic.expectations(traffic.acked());
        try (Connection c = connect()) {
            assertThat(StoreConsistency.problems(c, acknowledged))
                    .as(traffic.summary() + "\n" + first.tail() + "\n" + second.tail()).isEmpty();
        }
        second.process().destroy(); // SIGTERM: the shutdown hook stops PostgreSQL
        assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).as("serve stops on SIGTERM\n" + second.tail()).isTrue();
        assertThat(POSTMASTER_PID).as("serve stops its PostgreSQL when it ends\n" + second.tail()).doesNotExist();
        System.out.println("KillNineTest: " + traffic.summary());
    }

    private Child launchServe() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = WORK.resolve("serve-" + (children.size() + 1) + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.opensigma.Main", "serve", "--data-dir", DATA_DIR.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("OPENSIGMA_") || name.equals("DATABASE_URL"));
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        Process process = builder.start();
        // Should this JVM end without the clean-up (Ctrl-C), do not leave serve running.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        Child child = new Child(process, log, port);
        children.add(child);
        return child;
    }

    /** Waits until GET /health answers 200; fails at once, with its output, if the process ends. */
    private void awaitHealthy(Child child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!child.process().isAlive()) {
                throw new AssertionError("serve exited with " + child.process().exitValue() + " before it was healthy\n"
                        + child.tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(child.base().resolve("/health"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("serve was not healthy within 90 s; last answer: " + last + "\n" + child.tail());
    }

    private static Connection connect() throws Exception {
        ConnectionInfo info = EmbeddedPostgresServer.connectionInfo(DATA_DIR);
        Properties props = new Properties();
        props.setProperty("user", info.user());
        props.setProperty("password", info.password());
        props.setProperty("currentSchema", "stripe");
        return DriverManager.getConnection(info.jdbcUrl(), props);
    }

    /**
     * Stops a PostgreSQL still running from the data directory (a failed run, or a killed serve
     * nobody restarted): adopting it makes this process its owner, and closing stops it.
     */
    private static void stopLeftoverPostgres() {
        if (!Files.exists(POSTMASTER_PID)) {
            return;
        }
        EmbeddedPostgresServer leftover = EmbeddedPostgresServer.startOrAttach(DATA_DIR);
        boolean owned = leftover.ownsServer();
        leftover.close();
        if (!owned) {
            throw new IllegalStateException("Another process still runs OpenSigma on " + DATA_DIR + "; stop it");
        }
    }
}
