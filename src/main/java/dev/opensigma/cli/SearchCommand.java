package dev.opensigma.cli;

import dev.opensigma.store.Database;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Find objects of any type by id, email, name, description, metadata and other text, best first.",
            "The object with that id comes first, then objects containing every word, then partial matches;"
                + " when nothing matches exactly, close matches (typos). Deleted objects are left out.",
            "The same as the SQL function search(q, max_results, of_type, include_deleted).",
            "Example: ./opensigma search \"jane@example.com\""})
final class SearchCommand implements Callable<Integer> {

    /** Table and CSV show a line per object; JSON also carries the object itself. */
    private static final String SEARCH = """
            select object_type, id, round(rank::numeric, 3) as rank, summary
            from search(?, ?, ?, ?)""";
    private static final String SEARCH_WITH_DATA = """
            select object_type, id, round(rank::numeric, 3) as rank, summary, table_name, deleted, data
            from search(?, ?, ?, ?)""";

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", paramLabel = "TEXT",
            description = "What to look for: an id, an email (or part of one), a name, an invoice number, a metadata value,"
                    + " words (\"a phrase\", or, -word).")
    String text;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many results. Default: ${DEFAULT-VALUE}")
    int limit;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Only objects of this type: its Stripe name (customer, checkout.session) or its table (customers).")
    String type;

    @Option(names = "--include-deleted", description = "Also show deleted objects.")
    boolean includeDeleted;

    @Option(names = "--format", defaultValue = "table",
            description = "table, csv or json (json includes each object's data). Default: ${DEFAULT-VALUE}")
    ResultPrinter.Format format;

    @Override
    public Integer call() {
        if (text.isBlank()) {
            throw new ParameterException(spec.commandLine(), "TEXT is empty: give something to look for.");
        }
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit + ".");
        }
        return ReadOnlySession.run(spec, database, this::run, SearchCommand::hint);
    }

    private void run(Database db, Connection c, PrintWriter out) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(format == ResultPrinter.Format.json ? SEARCH_WITH_DATA : SEARCH)) {
            s.setString(1, text);
            s.setInt(2, limit);
            s.setString(3, type);
            s.setBoolean(4, includeDeleted);
            try (ResultSet rs = s.executeQuery()) {
                new ResultPrinter(format, out).print(rs);
            }
        }
    }

    private static String hint(SQLException e) {
        return "42883".equals(e.getSQLState()) || "42P01".equals(e.getSQLState())
                ? ". This schema has no search index yet: run './opensigma migrate' (or start serve) once to add it." : "";
    }
}
