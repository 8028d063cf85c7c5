package dev.opensigma.cli;

import dev.opensigma.store.Database;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Run read-only SQL against the mirror and print the result.",
            "Works whether or not 'serve' is running on the same data directory.",
            "Example: ./opensigma query \"select id, data->>'email' as email from customers limit 5\""})
final class QueryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query. Tables are in the OpenSigma schema (default 'stripe').")
    String sql;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json. Default: ${DEFAULT-VALUE}")
    ResultPrinter.Format format;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds before the query is cancelled. Default: ${DEFAULT-VALUE}")
    int timeoutSeconds;

    @Override
    public Integer call() {
        return ReadOnlySession.run(spec, database, this::run, QueryCommand::hint);
    }

    private void run(Database db, Connection c, PrintWriter out) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds);
            boolean hasResult = s.execute(db.readOnlySql(sql));
            if (hasResult) {
                try (ResultSet rs = s.getResultSet()) {
                    new ResultPrinter(format, out).print(rs);
                }
            } else {
                out.println("(no result set; " + s.getUpdateCount() + " row(s))");
                out.flush();
            }
        }
    }

    private static String hint(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return state.equals("25006") || state.equals("42501")
                ? ". 'query' is read-only; change data through the ingest paths instead."
                : state.equals("42601") && System.getenv("DATABASE_URL") != null
                ? ". On an external database 'query' runs a single SELECT (or WITH ... SELECT)." : "";
    }
}
