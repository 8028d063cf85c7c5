package dev.opensigma.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.sim.ServedRequest;
import dev.opensigma.sim.SimulatorSettings;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.support.SimulatedStripe;
import dev.opensigma.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code opensigma backfill} as a separate JVM, killed with SIGKILL at random points and started
 * again with the same command: it resumes its run, fetches no finished page again (only the pages
 * in flight at each kill), and ends with every object stored.
 */
class BackfillKillTest {

    private static final Path LOGS = Path.of("target", "backfill-kill").toAbsolutePath();
    private static final int WORKERS = 8;

    @Test
    void aKilledBackfillResumesWithoutRefetchingFinishedPagesAndMissesNothing() throws Exception {
        Assumptions.assumeTrue(System.getenv("DATABASE_URL") == null, "DATABASE_URL is set");
        TestDatabase.server();
        Files.createDirectories(LOGS);
        String schema = "kill_" + ProcessHandle.current().pid();
        Random random = new Random(42);
        // Some latency, so that a kill lands while pages are in flight.
        try (SimulatedStripe stripe = new SimulatedStripe(SimulatorSettings.fast().withSeed(5).withConnectedAccounts(0)
                .withLatency(Duration.ofMillis(20), 0.5))) {
            List<Integer> killedAfter = new ArrayList<>();
            int exit = -1;
            for (int attempt = 0; attempt < 4 && exit != 0; attempt++) {
                Process child = backfill(stripe, schema, attempt);
                if (attempt < 3) {
                    int before = stripe.simulator().requests().size();
                    int after = before + 20 + random.nextInt(60);
                    while (child.isAlive() && stripe.simulator().requests().size() < after) {
                        Thread.sleep(5);
                    }
                    if (child.isAlive()) {
                        child.destroyForcibly();
                        child.waitFor(30, TimeUnit.SECONDS);
                        killedAfter.add(stripe.simulator().requests().size() - before);
                        continue;
                    }
                }
                assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("backfill finished").isTrue();
                exit = child.exitValue();
            }
            assertThat(exit).as("last run's exit; see " + LOGS).isZero();
            assertThat(killedAfter).as("kills that landed mid-run").isNotEmpty();

            try (Database db = Database.open(new DatabaseSettings(Optional.of(TestDatabase.server().jdbcUrlWithCredentials()),
                    TestDatabase.dataDir(), schema), 2)) {
                assertThat(stripe.differences(db)).isEmpty();
                assertThat(TestDatabase.rows(db, "select count(*), min(status) from backfill_runs"))
                        .as("one run, resumed each time").containsExactly(List.of("1", "completed"));
            }
            // Successful list pages fetched more than once: at most the pages in flight at each kill.
            Map<String, Integer> fetched = new HashMap<>();
            for (ServedRequest r : stripe.simulator().requests()) {
                if (r.status() == 200 && !r.path().equals("/v1/events")) {
                    fetched.merge(r.path() + "?" + r.query(), 1, Integer::sum);
                }
            }
            long refetched = fetched.values().stream().mapToInt(n -> n - 1).sum();
            assertThat(refetched).as("pages fetched again after %s kills", killedAfter.size())
                    .isLessThanOrEqualTo((long) killedAfter.size() * WORKERS);
        }
    }

    private static Process backfill(SimulatedStripe stripe, String schema, int attempt) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.opensigma.Main", "backfill",
                "--data-dir", TestDatabase.dataDir().toString(), "--schema", schema, "--workers", String.valueOf(WORKERS))
                .redirectErrorStream(true).redirectOutput(LOGS.resolve("backfill-" + attempt + ".log").toFile());
        pb.environment().remove("DATABASE_URL");
        pb.environment().put("STRIPE_API_BASE", stripe.simulator().baseUrl());
        pb.environment().put("STRIPE_API_KEY", SimulatedStripe.KEY);
        return pb.start();
    }
}
