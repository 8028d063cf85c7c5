package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help with its usage on standard output and exit 0. */
class HelpTest {

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("serve", List.of("--data-dir", "--schema", "--host", "--port", "--writers", "--max-batch", "--account",
                        "--max-body-bytes", "STRIPE_WEBHOOK_SECRET")),
                Arguments.of("migrate", List.of("--data-dir", "--schema")),
                Arguments.of("db-url", List.of("--data-dir", "--schema", "--jdbc")),
                Arguments.of("query", List.of("--data-dir", "--schema", "--format", "--timeout", "SQL")),
                Arguments.of("search", List.of("--data-dir", "--schema", "--format", "--limit", "--type", "--include-deleted",
                        "TEXT")),
                Arguments.of("import", List.of("--data-dir", "--schema", "FILE")),
                Arguments.of("schema-docs", List.of("--output", "docs/schema.md")),
                Arguments.of("backfill", List.of("--types", "--since", "--account", "--connect", "--workers", "STRIPE_API_KEY")),
                Arguments.of("sync", List.of("--interval", "--once", "--account", "STRIPE_API_KEY")),
                Arguments.of("status", List.of("--data-dir", "--schema", "backfill_progress")),
                Arguments.of("demo", List.of("--data-dir", "--port", "--scale")),

                Arguments.of("simulate", List.of("--host", "--port", "--seed", "--scale", "--latency-ms", "--global-limit",
                        "--test-global-limit", "--endpoint-limit", "--error-rate", "--rate-limit-rate",
                        "--live-events-per-second", "--connected-accounts", "--api-key", "--deny-restricted")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everySubcommandHasHelp(String command, List<String> mentions) {
        for (List<String> args : List.of(List.of(command, "--help"), List.of(command, "-h"), List.of("help", command))) {
            Cli.Result r = Cli.run(args.toArray(String[]::new));

            assertThat(r.exit()).as(args + "\n" + r).isZero();
            assertThat(r.out()).as(args.toString()).startsWith("Usage: opensigma " + command + " ");
            for (String mention : mentions) {
                assertThat(r.out()).as(args.toString()).contains(mention);
            }
            assertThat(r.err()).as(args.toString()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void theTopCommandListsEverySubcommand(String flag) {
        Cli.Result r = Cli.run(flag);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Usage: opensigma ");
        for (String command : List.of("serve", "migrate", "db-url", "query", "search", "import", "schema-docs", "simulate",
                "help")) {
            assertThat(r.out()).containsPattern("(?m)^  " + command + " ");
        }
        assertThat(r.err()).isEmpty();
    }

    @Test
    void noArgumentsPrintsTheUsage() {
        Cli.Result r = Cli.run();

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: opensigma ").contains("Commands:");
    }

    @Test
    void versionIsPrinted() {
        Cli.Result r = Cli.run("--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("opensigma ");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitTwo() {
        Cli.Result r = Cli.run("query", "--no-such-option", "select 1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-option'").contains("Usage: opensigma query");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        Cli.Result r = Cli.run("query", "--format", "xml", "select 1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("xml").contains("table, csv, json");
    }
}
