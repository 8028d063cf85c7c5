package dev.opensigma.cli;

import dev.opensigma.store.Database;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the read-only commands ({@code query}, {@code search}) share: the database as it is (no
 * migration), a clear error when the schema does not exist, the work done on a read-only
 * connection and rolled back, and SQL errors printed as {@code error: <message><hint>} with exit 1.
 */
final class ReadOnlySession {

    /** The command's work on the read-only connection; prints its result to {@code out}. */
    @FunctionalInterface
    interface Work {
        void run(Database db, Connection c, PrintWriter out) throws SQLException;
    }

    private ReadOnlySession() {
    }

    /**
     * Runs the work and returns the exit code. {@code hint} gives the text appended to the
     * message of a SQL error (empty for none).
     */
    static int run(CommandSpec spec, DatabaseOptions database, Work work, Function<SQLException, String> hint) {
        PrintWriter err = spec.commandLine().getErr();
        try (Database db = Database.open(database.settings(), 2)) {
            if (!db.schemaExists()) {
                err.println("error: schema '" + db.schema() + "' does not exist: nothing was stored there yet."
                        + " Check --schema, or run './opensigma serve' (or 'migrate') first.");
                err.flush();
                return 1;
            }
            try (Connection c = db.readOnlyConnection()) {
                work.run(db, c, spec.commandLine().getOut());
                c.rollback();
                return 0;
            }
        } catch (SQLException e) {
            err.println("error: " + e.getMessage() + hint.apply(e));
            err.flush();
            return 1;
        }
    }
}
