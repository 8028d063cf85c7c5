package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench queries} end to end on a tiny account: its own embedded PostgreSQL in a new data
 * directory, the markdown report on standard output and in --output, the directory removed.
 * (Registered under {@code bench} where the bench command lives; run here on its own.)
 */
class BenchQueriesCommandTest {

    private static Cli.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BenchQueriesCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Cli.Result(exit, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheOptions() {
        Cli.Result r = run("--help");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Usage: queries ")
                .contains("--objects", "--runs", "--seed", "--writers", "--max-batch", "--data-dir", "--keep", "--output");
    }

    @Test
    void runsOnANewDatabaseWritesTheReportAndRemovesTheDirectory() throws Exception {
        Path dir = Path.of("target", "bench-queries-" + ProcessHandle.current().pid()).toAbsolutePath();
        Path report = Path.of("target", "bench-queries-" + ProcessHandle.current().pid() + ".md").toAbsolutePath();
        Files.deleteIfExists(report);

        Cli.Result r = run("--objects", "1500", "--runs", "1", "--data-dir", dir.toString(), "--output", report.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("## Typed tables and time travel (issue: relational tables)")
                .contains("`./opensigma bench queries --objects 1500 --runs 1`", "| `subscriptions` | 150 | ");
        assertThat(Files.readString(report)).isEqualTo(r.out());
        assertThat(r.err()).contains("bench queries: loaded", "report written to");
        assertThat(dir).doesNotExist();
        Files.delete(report);
    }

    @Test
    void refusesADataDirectoryThatHoldsSomething() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench-queries-full-" + ProcessHandle.current().pid()));
        Path file = Files.writeString(dir.resolve("something"), "x");
        try {
            Cli.Result r = run("--objects", "1500", "--data-dir", dir.toString());
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err()).contains("is not empty");
            assertThat(file).exists();
        } finally {
            Files.delete(file);
            Files.delete(dir);
        }
    }
}
