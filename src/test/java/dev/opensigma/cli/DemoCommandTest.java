package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.support.TestDatabase;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code demo} end to end, as a newcomer runs it: simulator, embedded PostgreSQL of its own,
 * webhook endpoint, backfill, first poll; then it says where to look.
 */
class DemoCommandTest {

    @Test
    void theDemoCopiesTheSimulatedAccountAndSaysWhereToLook() throws Exception {
        Path dataDir = Path.of("target", "demo-test").toAbsolutePath();
        if (Files.exists(dataDir)) {
            try (var paths = Files.walk(dataDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        int port;
        int simulatorPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            port = a.getLocalPort();
            simulatorPort = b.getLocalPort();
        }
        Cli.Result result = Cli.run("demo", "--data-dir", dataDir.toString(), "--port", String.valueOf(port),
                "--simulator-port", String.valueOf(simulatorPort), "--exit-when-ready");
        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Backfill completed").contains("./opensigma query --data-dir " + dataDir)
                .contains("http://127.0.0.1:" + simulatorPort).contains("/webhooks");

        // Every command the demo suggests works on what it copied and shows something.
        List<String> suggested = result.out().lines().filter(l -> l.startsWith("  ./opensigma ")).toList();
        assertThat(suggested).hasSizeGreaterThanOrEqualTo(4);
        for (String line : suggested) {
            Cli.Result tried = Cli.run(arguments(line.strip().substring("./opensigma ".length())));
            assertThat(tried.exit()).as(line + " -> " + tried).isZero();
            assertThat(tried.out()).as(line).doesNotContain("(0 rows)");
        }

        try (Database db = Database.open(new DatabaseSettings(Optional.empty(), dataDir, "stripe"), 2)) {
            assertThat(TestDatabase.count(db, "select count(*) from customers")).isPositive();
            assertThat(TestDatabase.count(db, "select count(*) from charges")).isPositive();
            // Its connected accounts are copied too, and their feeds followed.
            assertThat(TestDatabase.count(db, "select count(distinct account) from charges where account is not null"))
                    .isEqualTo(2);
            assertThat(TestDatabase.count(db, "select count(*) from event_cursors")).isEqualTo(3);
            assertThat(TestDatabase.count(db, "select count(*) from subscriptions")).isPositive();
            assertThat(TestDatabase.count(db, "select count(*) from events")).isPositive();
            assertThat(TestDatabase.rows(db, "select status from backfill_runs")).containsExactly(List.of("completed"));
            assertThat(TestDatabase.rows(db, "select livemode, recorded_by from mirrored_account"))
                    .containsExactly(List.of("f", "demo"));
        }
        // Another seed is another account: not mixed into this one's tables.
        Cli.Result other = Cli.run("demo", "--data-dir", dataDir.toString(), "--port", String.valueOf(port),
                "--simulator-port", String.valueOf(simulatorPort), "--seed", "2", "--exit-when-ready");
        assertThat(other.exit()).as(other.toString()).isEqualTo(2);
        assertThat(other.err()).contains("holds the data of Stripe account").contains("One schema mirrors one account");
    }

    /** A suggested command line's arguments, as a shell splits them: words, and "double-quoted" ones whole. */
    private static String[] arguments(String commandLine) {
        return Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(commandLine).results()
                .map(m -> m.group(1) != null ? m.group(1) : m.group(2)).toArray(String[]::new);
    }
}
