package dev.opensigma.cli;

import dev.opensigma.store.Database;
import java.io.PrintWriter;
import dev.opensigma.sync.Refetcher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the latest backfills, the progress of the newest one per type, how far each"
                + " account's event feed has been read, and the objects waiting to be fetched again.",
            "The same is queryable in SQL: backfill_runs, backfill_progress, event_cursors, refetches."})
final class StatusCommand implements Callable<Integer> {

    private static final String RUNS = """
            select id as run, status, started_at, finished_at, array_to_string(types, ',') as types,
                   since, left(error, 200) as error
            from backfill_runs order by id desc limit 5""";
    private static final String PROGRESS = """
            select p.account, p.list_type as type, p.objects, p.pages, p.ranges_done || '/' || p.ranges as ranges_done,
                   p.ranges_failed as failed, p.last_progress_at, left(p.errors, 120) as errors
            from backfill_progress p
            where p.run_id = (select max(id) from backfill_runs)
            order by p.account, p.list_type""";
    private static final String CURSORS = """
            select case when account = '' then '(own account)' else account end as account,
                   event_id as last_event, event_created as last_event_created, updated_at as read_at
            from event_cursors order by account""";

    private static final String MIRRORED = """
            select coalesce(account_id, '(not known: the key may not read /v1/account)') as account,
                   case when livemode then 'live' else 'test' end as mode, recorded_by, recorded_at
            from mirrored_account""";

    private static final String REFETCHES = """
            select reason, case when attempts >= ? then 'given up' else 'waiting' end as state, count(*) as objects,
                   min(requested_at) as oldest, left(max(last_error), 120) as last_error
            from refetches group by 1, 2 order by 1, 2""";

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json. Default: ${DEFAULT-VALUE}")
    ResultPrinter.Format format;

    @Override
    public Integer call() {
        return ReadOnlySession.run(spec, database, this::run, e -> "");
    }

    private void run(Database db, Connection c, PrintWriter out) throws SQLException {
        section(c, out, "Stripe account mirrored", MIRRORED, "none yet: the first command with STRIPE_API_KEY records it");
        section(c, out, "Backfill runs (newest first)", RUNS, "no backfill has run yet: ./opensigma backfill");
        section(c, out, "Newest run, per type", PROGRESS, "nothing listed yet");
        section(c, out, "Event feed (/v1/events) read up to", CURSORS, "not read yet: ./opensigma sync");
        section(c, out, "Objects to fetch again (events could not tell their newest state)", REFETCHES, "none",
                Refetcher.MAX_ATTEMPTS);
    }

    private void section(Connection c, PrintWriter out, String title, String sql, String none, Object... params)
            throws SQLException {
        out.println(title + ":");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.isBeforeFirst()) {
                    out.println("  (" + none + ")");
                } else {
                    new ResultPrinter(format, out).print(rs);
                }
            }
        }
        out.println();
        out.flush();
    }
}
