package dev.opensigma.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.apply.ListRead;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Source;
import dev.opensigma.stripe.api.AccessDeniedException;
import dev.opensigma.stripe.api.ApiResponse;
import dev.opensigma.stripe.api.Param;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches what the apply path asked for (table {@code refetches}): the objects of thin events,
 * which carry no state, those whose newest state a same-second tie left uncertain, and those
 * whose event rendered them in another API version than the pinned one; and the
 * child lists that an event carried only in part (an invoice's lines past the tenth) or not at all
 * (a Checkout Session's line items). Each object is filed as a snapshot observed when Stripe
 * answered, which is newer than the events that asked for it, so the object's current state
 * becomes Stripe's; each list entry likewise, as a child of its parent. The request is then
 * removed, unless a newer one for the same object came in meanwhile. A request is taken up two
 * seconds after it was made at the earliest: Stripe's clock has whole seconds, and a snapshot from
 * the very second of the events would be ordered before them.
 */
public final class Refetcher {

    private static final Logger log = LoggerFactory.getLogger(Refetcher.class);

    /** Where to fetch one object of a type, for requests that did not say; empty if it cannot be fetched alone. */
    @FunctionalInterface
    public interface Paths {
        Optional<String> of(String objectType, String id);
    }

    /** Whether a backfill read a parent's child list in full after a moment ({@code backfill.BackfilledLists}). */
    @FunctionalInterface
    public interface ListsRead {
        boolean readAfter(String parentType, String parentId, String account, String field, Instant moment)
                throws SQLException;
    }

    /** After this many failed attempts a request stays in the table, for people to look at, and is no longer tried. */
    public static final int MAX_ATTEMPTS = 5;

    /**
     * What one pass did: objects and lists filed, objects (or parents) Stripe no longer has (or has
     * as deleted), requests that failed, and requests found not needed (a backfill read the list
     * after the event that asked; the object is already rendered in the pinned API version).
     */
    public record Pass(int fetched, int gone, int failed, int notNeeded) {

        public static final Pass NONE = new Pass(0, 0, 0, 0);

        Pass plus(Pass other) {
            return new Pass(fetched + other.fetched, gone + other.gone, failed + other.failed,
                    notNeeded + other.notNeeded);
        }
    }

    /** Requests worked on at once (see {@link #runOnce}). */
    static final int IN_FLIGHT = 16;

    /** Requests taken per pass by {@link #finish}. */
    private static final int FINISH_PASS = 200;

    /**
     * The waiting requests, with the time of the event that asked, and for those that ask only for
     * another rendering (apply.RefetchRequest's reason "other API version") whether the object's
     * newest version, its current state, is already in the pinned version ($1) or deleted.
     */
    static final String WAITING = """
            select r.object_type, r.id, r.account, r.child_list, r.path, r.requested_at, r.attempts, e.created,
                   r.reason = 'other API version',
                   r.reason = 'other API version' and coalesce((
                       select v.deleted or v.api_version = ? from object_versions v
                       where v.object_type = r.object_type and v.id = r.id
                       order by v.second desc, v.seq desc, v.version_id desc limit 1), false)
            from refetches r left join events e on e.id = r.event_id
            where r.attempts < ? and r.requested_at < now() - interval '2 seconds'
            order by r.requested_at limit ?""";
    private static final String WAITING_COUNT = "select count(*) from refetches where attempts < ?";
    private static final String DONE = """
            delete from refetches
            where object_type = ? and id = ? and account = ? and child_list = ? and requested_at = ?""";
    private static final String FAILED = """
            update refetches set attempts = ?, last_error = ?
            where object_type = ? and id = ? and account = ? and child_list = ? and requested_at = ?""";

    private record Request(String objectType, String id, String account, String childList, String path,
                           Timestamp requestedAt, int attempts, Timestamp eventCreated, boolean renderingOnly,
                           boolean alreadyPinned) {

        boolean isList() {
            return !childList.isEmpty();
        }

        String what() {
            return isList() ? "the " + childList + " of " + objectType + " " + id : objectType + " " + id;
        }
    }

    private final StripeApi api;
    private final Applier applier;
    private final DataSource dataSource;
    private final Paths paths;
    private final ListsRead backfilled;

    public Refetcher(StripeApi api, Applier applier, DataSource dataSource, Paths paths, ListsRead backfilled) {
        this.api = api;
        this.applier = applier;
        this.dataSource = dataSource;
        this.paths = paths;
        this.backfilled = backfilled;
    }

    /** How many requests wait to be fetched (not given up). */
    public static long waitingCount(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return waitingCount(c);
        }
    }

    /** The same, on a connection the caller holds. */
    public static long waitingCount(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(WAITING_COUNT)) {
            s.setInt(1, MAX_ATTEMPTS);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Works through up to {@code limit} waiting requests, oldest first, {@value #IN_FLIGHT} at a
     * time: each one waits for Stripe's answer (a quarter of a second, often more), and the API
     * client's shared rate budget, not this loop, decides how fast they go out.
     */
    public Pass runOnce(int limit) throws SQLException, InterruptedException {
        return work(waiting(limit));
    }

    /**
     * Works through every waiting request, those made while it works included, and returns once
     * none is left to try: for commands that end when their copy is complete ({@code backfill},
     * {@code sync --once}). Requests made in the last two seconds are waited for.
     */
    public Pass finish() throws SQLException, InterruptedException {
        Pass total = Pass.NONE;
        for (;;) {
            List<Request> due = waiting(FINISH_PASS);
            if (!due.isEmpty()) {
                total = total.plus(work(due));
            } else if (waitingCount(dataSource) == 0) {
                return total;
            } else {
                Thread.sleep(500); // the rest were asked for less than two seconds ago
            }
        }
    }

    private Pass work(List<Request> requests) throws SQLException, InterruptedException {
        List<Future<Handled>> handled = new ArrayList<>(requests.size());
        Semaphore slots = new Semaphore(IN_FLIGHT);
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Request r : requests) {
                slots.acquire();
                handled.add(workers.submit(() -> {
                    try {
                        return handle(r);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        int fetched = 0;
        int gone = 0;
        int failed = 0;
        int notNeeded = 0;
        for (Future<Handled> f : handled) {
            try {
                switch (f.get()) {
                    case FETCHED -> fetched++;
                    case GONE -> gone++;
                    case FAILED -> failed++;
                    case NOT_NEEDED -> notNeeded++;
                }
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case SQLException sql -> throw sql;
                    case InterruptedException interrupted -> throw interrupted;
                    case RuntimeException runtime -> throw runtime;
                    default -> throw new IllegalStateException(e.getCause());
                }
            }
        }
        return new Pass(fetched, gone, failed, notNeeded);
    }

    /** What became of one request. */
    private enum Handled { FETCHED, GONE, FAILED, NOT_NEEDED }

    private Handled handle(Request r) throws SQLException, InterruptedException {
        Optional<String> path = Optional.ofNullable(r.path())
                .or(() -> paths.of(r.objectType(), r.id()).map(p -> r.isList() ? p + "/" + r.childList() : p));
        if (r.renderingOnly() && (path.isEmpty() || r.alreadyPinned())) {
            // Nothing is uncertain about this object, only its rendering: either a newer version is
            // already rendered in the pinned version (the events a backfill replays are mostly older
            // than its snapshots), or it cannot be fetched alone and stays as the event had it.
            log.debug("Not refetching {} in the pinned API version: no need, or no way", r.what());
            done(r);
            return Handled.NOT_NEEDED;
        }
        if (path.isEmpty()) {
            settle(r, MAX_ATTEMPTS, "OpenSigma knows no API path that returns one " + r.objectType()
                    + " by id; its state comes from the events and the backfill only.");
            return Handled.FAILED;
        }
        if (r.isList() && r.eventCreated() != null && !ListRead.eventsCarryEntriesThatLeave(r.objectType(), r.childList())
                && backfilled.readAfter(r.objectType(), r.id(), r.account(), r.childList(),
                        r.eventCreated().toInstant())) {
            // A backfill read the whole list after the event that asked (the events it replays ask
            // for the lists it has just read): fetching it again would repeat that read. Not so for
            // lists whose entries leave without an event: the replayed events file entries from
            // before that read, and only a read after them can tell which are gone since.
            log.debug("Not fetching {}: a backfill read it in full after the event", r.what());
            done(r);
            return Handled.NOT_NEEDED;
        }
        String account = r.account().isEmpty() ? null : r.account();
        try {
            if (r.isList()) {
                fileList(r, path.get(), account);
                done(r);
                return Handled.FETCHED;
            }
            ApiResponse answer = api.get(path.get(), List.of(), account);
            if (answer.body().path("deleted").asBoolean(false)) {
                // A deleted customer answers {id, object, deleted: true}: not a state to file over its
                // last one. Deletions are seen through their events, which carry the full last state.
                log.info("Refetching {} {}: Stripe answers that it was deleted", r.objectType(), r.id());
                done(r);
                return Handled.GONE;
            }
            applier.applyAll(List.of(Observation.snapshot(answer.body(), answer.answeredAt(), account,
                    api.settings().apiVersion(), Source.REFETCH)));
            done(r);
            return Handled.FETCHED;
        } catch (StripeApiException e) {
            if (e.notFound()) {
                // Gone from the API: deletions are seen through their events. A parent that is gone
                // (a deleted draft invoice) holds none of the children stored under it.
                log.info("Refetching {}: Stripe no longer has it (404)", r.what());
                if (r.isList() && e.resourceMissing()) {
                    applier.applyListRead(ListRead.ofParentGone(r.objectType(), r.id(), account, r.childList(),
                            api.settings().apiVersion(), Source.REFETCH));
                }
                done(r);
                return Handled.GONE;
            }
            int attempts = e instanceof AccessDeniedException ? MAX_ATTEMPTS : r.attempts() + 1;
            settle(r, attempts, e.getMessage());
            log.warn("Refetching {} failed: {}", r.what(), e.getMessage());
            return Handled.FAILED;
        } catch (IllegalArgumentException e) {
            settle(r, MAX_ATTEMPTS, "The API answered something that is not an object with an id: " + e.getMessage());
            return Handled.FAILED;
        }
    }

    /**
     * Lists a parent's child list in full, filing each page's entries as children of the parent,
     * then what the whole list says: its children stored as live that it no longer holds were
     * removed. {@code path} may carry the list's own filter ({@code /v1/subscription_items?subscription=sub_1}).
     */
    private void fileList(Request r, String path, String account)
            throws StripeApiException, InterruptedException, SQLException {
        int query = path.indexOf('?');
        List<Param> filter = query < 0 ? List.of() : Param.fromQuery(path.substring(query + 1));
        Set<String> listed = new HashSet<>();
        Instant[] read = new Instant[2]; // first and last page's answer
        api.pageThrough(query < 0 ? path : path.substring(0, query), filter, account, page -> {
            List<Observation> entries = new ArrayList<>();
            for (JsonNode entry : page.body().path("data")) {
                entries.add(Observation.childSnapshot(entry, page.answeredAt(), account, api.settings().apiVersion(),
                        r.objectType(), r.id(), Source.REFETCH));
                listed.add(entry.path("id").asText());
            }
            if (!entries.isEmpty()) {
                applier.applyAll(entries);
            }
            read[0] = read[0] == null ? page.answeredAt() : read[0];
            read[1] = page.answeredAt();
            return true;
        });
        applier.applyListRead(new ListRead(r.objectType(), r.id(), account, r.childList(), listed, read[0], read[1],
                api.settings().apiVersion(), Source.REFETCH));
    }

    private List<Request> waiting(int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(WAITING)) {
            s.setString(1, api.settings().apiVersion());
            s.setInt(2, MAX_ATTEMPTS);
            s.setInt(3, limit);
            List<Request> requests = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    requests.add(new Request(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getTimestamp(6), rs.getInt(7), rs.getTimestamp(8), rs.getBoolean(9),
                            rs.getBoolean(10)));
                }
            }
            return requests;
        }
    }

    private void done(Request r) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(DONE)) {
            s.setString(1, r.objectType());
            s.setString(2, r.id());
            s.setString(3, r.account());
            s.setString(4, r.childList());
            s.setTimestamp(5, r.requestedAt());
            s.executeUpdate();
        }
    }

    private void settle(Request r, int attempts, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FAILED)) {
            s.setInt(1, attempts);
            s.setString(2, error);
            s.setString(3, r.objectType());
            s.setString(4, r.id());
            s.setString(5, r.account());
            s.setString(6, r.childList());
            s.setTimestamp(7, r.requestedAt());
            s.executeUpdate();
        }
    }
}
