package dev.opensigma.cli;

import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.support.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

/** Runs the command line in-process, capturing what it prints, against the shared test server. */
final class Cli {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    /** Exit code and everything printed to standard output and standard error. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OpenSigmaCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs {@code command} on the shared test server's data directory and the given schema. */
    static Result onSchema(String schema, String command, String... args) {
        // With DATABASE_URL set, the commands would use that server instead of the test one.
        Assumptions.assumeTrue(System.getenv("DATABASE_URL") == null, "DATABASE_URL is set");
        TestDatabase.server(); // the test JVM owns the server; the command attaches to it
        List<String> all = new ArrayList<>(List.of(command, "--data-dir", TestDatabase.dataDir().toString(),
                "--schema", schema));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** A schema name no other test uses (not created yet). */
    static String freshSchema(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** The test's own (superuser) view of a schema, to set up and check data behind the CLI's back. */
    static Database admin(String schema) {
        Database db = Database.open(new DatabaseSettings(Optional.of(TestDatabase.server().jdbcUrlWithCredentials()),
                TestDatabase.dataDir(), schema), 2);
        db.migrate();
        return db;
    }
}
