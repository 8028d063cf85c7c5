package dev.opensigma.backfill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The backfill's checkpoints in PostgreSQL: runs, the event-feed marks, and ranges. */
final class BackfillStore {

    private static final String FIND_RESUMABLE = """
            select id, until from backfill_runs
            where selection = ? and status <> 'completed'
            order by id desc limit 1""";
    private static final String LAST_COMPLETED = """
            select max(id) from backfill_runs where status = 'completed' and selection = any (?)""";
    private static final String CREATE_RUN = """
            insert into backfill_runs (selection, types, since, until) values (?, ?, ?, ?) returning id""";
    private static final String ADD_MARK = """
            insert into backfill_event_marks (run_id, account, event_id, event_created) values (?, ?, ?, ?)""";
    private static final String MARKS = """
            select account, event_id, event_created, replayed_at from backfill_event_marks where run_id = ? order by account""";
    private static final String MARK_REPLAYED = """
            update backfill_event_marks set replayed_at = now() where run_id = ? and account = ?""";
    private static final String ADD_RANGE = """
            insert into backfill_ranges (run_id, account, list_type, variant, parent_id, created_gte, created_lt)
            values (?, ?, ?, ?, ?, ?, ?) returning id""";
    private static final String ADD_RANGES = """
            insert into backfill_ranges (run_id, account, list_type, variant, parent_id, created_gte, created_lt)
            select ?, * from unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::bigint[])""";
    private static final String OPEN_RANGES = """
            select id, account, list_type, variant, parent_id, created_gte, created_lt, cursor, pages, objects
            from backfill_ranges
            where run_id = ? and state = 'pending' and id > ?
            order by id limit ?""";
    private static final String SAVE_PAGE = """
            update backfill_ranges
            set cursor = ?, created_gte = ?, pages = ?, objects = ?, state = ?, error = null, updated_at = now()
            where id = ?""";
    private static final String RANGE_FAILED = """
            update backfill_ranges set state = 'failed', error = ?, updated_at = now() where id = ?""";
    private static final String RETRY_FAILED = """
            update backfill_ranges set state = 'pending', error = null where run_id = ? and state = 'failed'""";
    private static final String RESTART_RUN = """
            update backfill_runs set status = 'running', error = null, finished_at = null where id = ?""";
    private static final String FINISH_RUN = """
            update backfill_runs set status = ?, error = ?, finished_at = now() where id = ?""";
    private static final String CLAIM_TAIL = """
            update backfill_runs set tail_added = true where id = ? and not tail_added""";
    private static final String TRY_LOCK = "select pg_try_advisory_lock(hashtext('opensigma.backfill'), ?::int)";
    private static final String UNLOCK = "select pg_advisory_unlock(hashtext('opensigma.backfill'), ?::int)";

    record Run(long id, Instant until, boolean resumed) {
    }

    record Mark(String account, String eventId, Instant eventCreated, boolean replayed) {
    }

    private final DataSource dataSource;

    BackfillStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Optional<Run> findResumable(String selection) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FIND_RESUMABLE)) {
            s.setString(1, selection);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Run(rs.getLong(1), rs.getTimestamp(2).toInstant(), true)) : Optional.empty();
            }
        }
    }

    /** The newest completed run of any of these selections. */
    Optional<Long> lastCompleted(List<String> selections) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LAST_COMPLETED)) {
            s.setArray(1, c.createArrayOf("text", selections.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long run = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(run);
            }
        }
    }

    /** Makes a resumed run runnable again: its failed ranges are tried once more. */
    void reopen(long runId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement a = c.prepareStatement(RETRY_FAILED); PreparedStatement b = c.prepareStatement(RESTART_RUN)) {
                a.setLong(1, runId);
                a.executeUpdate();
                b.setLong(1, runId);
                b.executeUpdate();
            }
            c.commit();
        }
    }

    /** A new run with its event-feed marks and first ranges, in one transaction. */
    Run createRun(String selection, List<String> types, Instant since, Instant until, List<Mark> marks,
                  List<Range> ranges) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long runId;
            try (PreparedStatement s = c.prepareStatement(CREATE_RUN)) {
                s.setString(1, selection);
                s.setArray(2, c.createArrayOf("text", types.toArray()));
                s.setTimestamp(3, since == null ? null : Timestamp.from(since));
                s.setTimestamp(4, Timestamp.from(until));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    runId = rs.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(ADD_MARK)) {
                for (Mark m : marks) {
                    s.setLong(1, runId);
                    s.setString(2, m.account());
                    s.setString(3, m.eventId());
                    s.setTimestamp(4, m.eventCreated() == null ? null : Timestamp.from(m.eventCreated()));
                    s.addBatch();
                }
                s.executeBatch();
            }
            insertRanges(c, runId, ranges);
            c.commit();
            return new Run(runId, until, false);
        }
    }

    List<Mark> marks(long runId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(MARKS)) {
            s.setLong(1, runId);
            List<Mark> marks = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Timestamp created = rs.getTimestamp(3);
                    marks.add(new Mark(rs.getString(1), rs.getString(2), created == null ? null : created.toInstant(),
                            rs.getTimestamp(4) != null));
                }
            }
            return marks;
        }
    }

    void markReplayed(long runId, String account) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(MARK_REPLAYED)) {
            s.setLong(1, runId);
            s.setString(2, account);
            s.executeUpdate();
        }
    }

    /** Ranges not yet done with an id above {@code afterId}, oldest first. */
    List<Range> openRanges(long runId, long afterId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(OPEN_RANGES)) {
            s.setLong(1, runId);
            s.setLong(2, afterId);
            s.setInt(3, limit);
            List<Range> ranges = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ranges.add(new Range(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            (Long) rs.getObject(6), (Long) rs.getObject(7), rs.getString(8), rs.getInt(9), rs.getLong(10), null));
                }
            }
            return ranges;
        }
    }

    /**
     * A page is done: its range's new position, the lower part split off it (if any) and the child
     * lists its objects revealed, in one transaction, so a crash repeats at most this page.
     *
     * @return the stored split (with its id), or null
     */
    Range savePage(long runId, Range range, boolean finished, Range split, List<Range> children) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(SAVE_PAGE)) {
                s.setString(1, range.cursor());
                setLong(s, 2, range.createdGte());
                s.setInt(3, range.pages());
                s.setLong(4, range.objects());
                s.setString(5, finished ? "done" : "pending");
                s.setLong(6, range.id());
                s.executeUpdate();
            }
            Range storedSplit = split == null ? null : insertRange(c, runId, split);
            insertRanges(c, runId, children);
            c.commit();
            return storedSplit;
        }
    }

    /**
     * Adds the last listing pass (objects created since the run began) once per run: a resumed
     * run that already added it does not add it again.
     */
    void addTailOnce(long runId, List<Range> ranges) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(CLAIM_TAIL)) {
                s.setLong(1, runId);
                if (s.executeUpdate() == 1) {
                    insertRanges(c, runId, ranges);
                }
            }
            c.commit();
        }
    }

    void rangeFailed(Range range, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(RANGE_FAILED)) {
            s.setString(1, error);
            s.setLong(2, range.id());
            s.executeUpdate();
        }
    }

    void finishRun(long runId, boolean completed, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FINISH_RUN)) {
            s.setString(1, completed ? "completed" : "failed");
            s.setString(2, error);
            s.setLong(3, runId);
            s.executeUpdate();
        }
    }

    /**
     * Holds a session lock on the run for as long as the returned connection stays open, so two
     * processes never work the same run.
     */
    Connection lockRun(long runId) throws SQLException {
        Connection c = dataSource.getConnection();
        try (PreparedStatement s = c.prepareStatement(TRY_LOCK)) {
            s.setLong(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return c;
                }
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.close();
        return null;
    }

    static void unlock(Connection lock, long runId) {
        try (lock; PreparedStatement s = lock.prepareStatement(UNLOCK)) {
            s.setLong(1, runId);
            s.execute();
        } catch (SQLException e) {
            // The lock goes with the session anyway.
        }
    }

    private static Range insertRange(Connection c, long runId, Range r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ADD_RANGE)) {
            s.setLong(1, runId);
            s.setString(2, r.account());
            s.setString(3, r.listType());
            s.setInt(4, r.variant());
            s.setString(5, r.parentId());
            setLong(s, 6, r.createdGte());
            setLong(s, 7, r.createdLt());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return r.withId(rs.getLong(1));
            }
        }
    }

    /** Many ranges in one statement (a page of customers reveals hundreds of child lists). */
    private static void insertRanges(Connection c, long runId, List<Range> ranges) throws SQLException {
        if (ranges.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(ADD_RANGES)) {
            s.setLong(1, runId);
            s.setArray(2, c.createArrayOf("text", ranges.stream().map(Range::account).toArray()));
            s.setArray(3, c.createArrayOf("text", ranges.stream().map(Range::listType).toArray()));
            s.setArray(4, c.createArrayOf("int4", ranges.stream().map(Range::variant).toArray()));
            s.setArray(5, c.createArrayOf("text", ranges.stream().map(Range::parentId).toArray()));
            s.setArray(6, c.createArrayOf("int8", ranges.stream().map(Range::createdGte).toArray()));
            s.setArray(7, c.createArrayOf("int8", ranges.stream().map(Range::createdLt).toArray()));
            s.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }

}
