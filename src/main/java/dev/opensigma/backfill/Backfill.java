package dev.opensigma.backfill;

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
import dev.opensigma.sync.EventCursors;
import dev.opensigma.sync.EventFeed;
import dev.opensigma.sync.FeedExpiredException;
import dev.opensigma.sync.FeedPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies an account through its list endpoints; see the package description. Each page is
 * written through the apply path as snapshots observed when Stripe answered, and checkpointed
 * with its range, so a killed run repeats at most the pages that were in flight.
 */
public final class Backfill {

    private static final Logger log = LoggerFactory.getLogger(Backfill.class);

    /** Stripe launched in 2011: nothing is older, so an open-ended range can be halved from here. */
    static final long STRIPE_EPOCH = 1_293_840_000L;
    private static final int PAGE = 100;

    /** A child list being read: when its first page was answered, and the ids listed so far. */
    private record ChildListRead(Instant startedAt, Set<String> listed) {
    }

    /** How it ended. {@code errors} is empty exactly when {@code completed}. */
    public record Result(long runId, boolean resumed, boolean completed, long objects, long pages,
                         long eventsReplayed, List<String> errors) {
    }

    private final StripeApi api;
    private final Applier applier;
    private final BackfillStore store;
    private final EventFeed feed;
    private final EventCursors cursors;
    private final BackfillProgress progress = new BackfillProgress();

    public Backfill(StripeApi api, Applier applier, DataSource dataSource) {
        this.api = api;
        this.applier = applier;
        this.store = new BackfillStore(dataSource);
        this.feed = new EventFeed(api, applier);
        this.cursors = new EventCursors(dataSource);
    }

    public BackfillProgress progress() {
        return progress;
    }

    /**
     * The newest completed run that copied at least what {@code request} asks for (the same
     * request, or one with every connected account as well), if any.
     */
    public Optional<Long> lastCompletedRun(BackfillRequest request) throws SQLException {
        return store.lastCompleted(request.coveringSelections());
    }

    public Result run(BackfillRequest request) throws InterruptedException, SQLException, StripeApiException {
        List<ListableType> types = ListableTypes.select(request.types());
        BackfillStore.Run run = resumeOrStart(request, types);
        Connection lock = store.lockRun(run.id());
        if (lock == null) {
            throw new IllegalStateException("Another backfill process is working on run " + run.id()
                    + " (the same request). Wait for it to finish, or stop it first.");
        }
        try {
            log.info("{} backfill run {} of {}", run.resumed() ? "Resuming" : "Starting", run.id(),
                    types.size() == ListableTypes.all().size() ? "every listable type"
                            : types.stream().map(ListableType::name).collect(Collectors.joining(", ")));
            RunWork work = new RunWork(run, types, request.workers());
            List<String> errors = work.execute();
            if (errors.isEmpty()) {
                // Objects created while the run listed are in the event feed only if Stripe sends
                // events for them; balance transactions and open checkout sessions get none. One
                // last pass lists what was created since the run began.
                store.addTailOnce(run.id(), tailRanges(run, types));
                RunWork tail = new RunWork(run, types, request.workers());
                errors = tail.execute();
                work.add(tail);
            }
            long replayed = 0;
            if (errors.isEmpty()) {
                log.info("Listed {} objects in {} pages ({} s since the start); now the events of the feeds", work.objects(),
                        work.pages(), Math.round(progress.seconds()));
                replayed = replayEvents(run, errors);
            }
            store.finishRun(run.id(), errors.isEmpty(), errors.isEmpty() ? null : String.join("\n", errors));
            return new Result(run.id(), run.resumed(), errors.isEmpty(), work.objects(), work.pages(), replayed, errors);
        } finally {
            BackfillStore.unlock(lock, run.id());
        }
    }

    private BackfillStore.Run resumeOrStart(BackfillRequest request, List<ListableType> types)
            throws SQLException, StripeApiException, InterruptedException {
        Optional<BackfillStore.Run> unfinished = store.findResumable(request.selection());
        if (unfinished.isPresent()) {
            store.reopen(unfinished.get().id());
            return unfinished.get();
        }
        List<String> accounts = new ArrayList<>();
        if (request.account() != null) {
            accounts.add(request.account());
        } else {
            accounts.add("");
            if (request.connect()) {
                accounts.addAll(connectedAccounts());
            }
        }
        // Mark where each feed stands before listing anything: what changes from here on is replayed at the end.
        List<BackfillStore.Mark> marks = new ArrayList<>();
        Instant until = null;
        for (String account : accounts) {
            EventFeed.Probe probe = feed.probe(account);
            until = until == null || probe.at().isAfter(until) ? probe.at() : until;
            marks.add(new BackfillStore.Mark(account, probe.newest().map(FeedPosition::eventId).orElse(null),
                    probe.newest().map(FeedPosition::created).orElse(null), false));
        }
        Long since = request.since() == null ? null : request.since().getEpochSecond();
        long end = until.getEpochSecond() + 1;
        List<Range> ranges = new ArrayList<>();
        for (String account : accounts) {
            for (ListableType t : types) {
                if (t.isChild() || (t.platformOnly() && !account.isEmpty())) {
                    continue;
                }
                for (int v = 0; v < t.variants().size(); v++) {
                    ranges.add(t.createdFilter() ? Range.fresh(account, t.name(), v, null, since, end)
                            : Range.fresh(account, t.name(), v, null, null, null));
                }
            }
        }
        return store.createRun(request.selection(), types.stream().map(ListableType::name).toList(), request.since(),
                until, marks, ranges);
    }

    /**
     * Applies the account's events from where they are needed: every event Stripe still keeps
     * when the feed was never read (it covers the mark, and brings the last 30 days' deletions,
     * which no list shows); else from the older of the mark and the stored cursor. Deletions
     * made between an earlier read and this run's mark are in the feed only: a second backfill
     * with no poller running in between lists every live object again, but not the deleted ones.
     */
    private EventFeed.Read replayFrom(BackfillStore.Mark mark)
            throws SQLException, StripeApiException, InterruptedException {
        Optional<FeedPosition> cursor = cursors.read(mark.account());
        if (cursor.isEmpty() || mark.eventId() == null) {
            return readAllKept(mark.account());
        }
        FeedPosition marked = new FeedPosition(mark.eventId(), mark.eventCreated());
        FeedPosition from = cursor.get().created().isBefore(marked.created()) ? cursor.get() : marked;
        try {
            EventFeed.Read read = feed.readAfter(mark.account(), from);
            log.info("Replayed {} event(s) created during the backfill{}", read.events(), of(mark.account()));
            return read;
        } catch (FeedExpiredException e) {
            // Stripe no longer keeps the events since then: take the 30 days it keeps, and say what may be missing.
            log.warn("{} Reading the {} days Stripe keeps instead: deletions made before them cannot be seen in the"
                    + " feed, and stay live here.", e.getMessage(), EventFeed.RETENTION.toDays());
            return readAllKept(mark.account());
        }
    }

    private EventFeed.Read readAllKept(String account) throws SQLException, StripeApiException, InterruptedException {
        EventFeed.Read read = feed.readAll(account);
        log.info("Imported the {} event(s) Stripe still keeps{}, those created during the backfill among them",
                read.events(), of(account));
        return read;
    }

    private static String of(String account) {
        return account.isEmpty() ? "" : " of " + account;
    }

    /** One range per account, list and variant, of objects created since the run began. */
    private List<Range> tailRanges(BackfillStore.Run run, List<ListableType> types) throws SQLException {
        long from = run.until().getEpochSecond(); // the run's last second again: what was created in it after its lists
        List<Range> ranges = new ArrayList<>();
        for (BackfillStore.Mark mark : store.marks(run.id())) {
            for (ListableType t : types) {
                if (t.isChild() || !t.createdFilter() || (t.platformOnly() && !mark.account().isEmpty())) {
                    continue;
                }
                for (int v = 0; v < t.variants().size(); v++) {
                    ranges.add(Range.fresh(mark.account(), t.name(), v, null, from, null));
                }
            }
        }
        return ranges;
    }

    /** Every connected account the key can see, for {@code --connect}. */
    private List<String> connectedAccounts() throws StripeApiException, InterruptedException {
        List<String> ids = new ArrayList<>();
        api.pageThrough("/v1/accounts", List.of(), null, page -> {
            page.body().path("data").forEach(account -> ids.add(account.path("id").asText()));
            return true;
        });
        log.info("Found {} connected account(s)", ids.size());
        return ids;
    }

    /** Applies what the event feeds recorded since the marks, then records the feeds' positions. */
    private long replayEvents(BackfillStore.Run run, List<String> errors) throws SQLException, InterruptedException {
        long replayed = 0;
        for (BackfillStore.Mark mark : store.marks(run.id())) {
            if (mark.replayed()) {
                continue;
            }
            try {
                EventFeed.Read read = replayFrom(mark);
                if (read.newest() != null) {
                    cursors.advance(mark.account(), read.newest());
                }
                store.markReplayed(run.id(), mark.account());
                replayed += read.events();
            } catch (StripeApiException e) {
                errors.add("Could not replay the events created during the backfill" + of(mark.account()) + ": "
                        + e.getMessage());
            }
        }
        return replayed;
    }

    /**
     * Where to split what is left of a range, from {@code lower} up to {@code oldestSeen} (the
     * oldest object paged so far; lists run newest first): the range keeps about
     * {@value #PAGES_KEPT} more pages' worth of time at the density of the page just read, or half
     * of what is left if that is less, and the older rest becomes a range of its own, split again
     * when it is paged. Halving the time alone wastes splits, since an account's objects are not
     * spread evenly over the years: most are recent, and the older half of 2011-2026 is empty.
     *
     * @param pageSpan seconds between the newest and the oldest object of the page just read
     */
    static long splitPoint(long lower, long oldestSeen, long pageSpan) {
        long mid = lower + (oldestSeen - lower) / 2;
        if (pageSpan <= 0 || pageSpan > (oldestSeen - lower) / PAGES_KEPT) {
            return mid;
        }
        return Math.max(mid, oldestSeen - PAGES_KEPT * pageSpan);
    }

    /** Pages' worth of time a range keeps when it is split (see {@link #splitPoint}). */
    static final int PAGES_KEPT = 8;

    /** After a page: the range to continue (null when it is finished) and a range split off it (or null). */
    private record Step(Range next, Range split) {
    }

    /** The ranges of one run and the workers that page them. */
    private final class RunWork {
        private final BackfillStore.Run run;
        /** The selected child lists of each selected list, by the parent's name. */
        private final Map<String, List<ListableType>> childrenOf;
        private final int workers;
        private final WorkQueue queue;
        private final List<String> errors = new CopyOnWriteArrayList<>();
        /** Types Stripe refused (403): their other ranges fail without asking again. */
        private final Map<String, String> refused = new ConcurrentHashMap<>();
        private volatile String fatal;
        private final LongAdder objects = new LongAdder();
        private final LongAdder pages = new LongAdder();
        /**
         * The child lists being read from their first page in this process, by range id: when the
         * read began and what it listed so far. A list resumed after a restart is not here, and says
         * nothing about the children it misses.
         */
        private final Map<Long, ChildListRead> childReads = new ConcurrentHashMap<>();

        RunWork(BackfillStore.Run run, List<ListableType> types, int workers) {
            this.run = run;
            this.childrenOf = types.stream().filter(ListableType::isChild)
                    .collect(Collectors.groupingBy(t -> t.parent().type()));
            this.workers = workers;
            this.queue = new WorkQueue(store, run.id(), progress, api.settings().endpointPerSecond(), api::latencySeconds);
        }

        long objects() {
            return objects.sum();
        }

        /** Counts another pass's work as this one's. */
        void add(RunWork other) {
            objects.add(other.objects());
            pages.add(other.pages());
        }

        long pages() {
            return pages.sum();
        }

        List<String> execute() throws InterruptedException {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                threads.add(Thread.ofVirtual().name("backfill-" + i).start(this::work));
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                threads.forEach(Thread::interrupt);
                throw e;
            }
            if (fatal != null) {
                errors.addFirst(fatal);
            }
            return List.copyOf(errors);
        }

        private void work() {
            try {
                Range range;
                while (fatal == null && (range = queue.take()) != null) {
                    Range next = null;
                    Range split = null;
                    try {
                        String refusal = refused.get(range.listType());
                        if (refusal != null) {
                            fail(range, refusal, false);
                        } else {
                            Step step = page(range);
                            next = step.next();
                            split = step.split();
                        }
                    } catch (AccessDeniedException e) {
                        String message = "Listing " + range.listType() + " was refused: " + e.getMessage();
                        if (e.status() == 401) {
                            fatal = message;
                        } else if (refused.putIfAbsent(range.listType(), message) == null) {
                            errors.add(message);
                        }
                        fail(range, message, false);
                    } catch (StripeApiException | RuntimeException | SQLException e) {
                        fail(range, "Listing " + range.listType() + (range.parentId() == null ? "" : " of " + range.parentId())
                                + " failed: " + e.getMessage(), true);
                    } finally {
                        queue.done(range, next, split);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void fail(Range range, String message, boolean report) {
            log.warn("{}", message);
            if (report) {
                errors.add(message);
            }
            progress.failed(range.listType());
            try {
                store.rangeFailed(range, message);
            } catch (SQLException e) {
                log.warn("Could not record the failure of range {}: {}", range.id(), e.getMessage());
            }
        }

        /** Fetches, applies and checkpoints one page. */
        private Step page(Range range) throws StripeApiException, InterruptedException, SQLException {
            ListableType type = ListableTypes.byName(range.listType());
            List<Param> params = new ArrayList<>(type.paramsFor(range.variant(), range.parentId()));
            params.add(Param.of("limit", PAGE));
            if (range.createdGte() != null) {
                params.add(Param.of("created[gte]", range.createdGte()));
            }
            if (range.createdLt() != null) {
                params.add(Param.of("created[lt]", range.createdLt()));
            }
            if (range.cursor() != null) {
                params.add(Param.of("starting_after", range.cursor()));
            }
            String account = range.account().isEmpty() ? null : range.account();
            String parentObjectType = type.isChild() ? ListableTypes.byName(type.parent().type()).objectType() : null;
            ApiResponse answer;
            try {
                answer = api.get(type.pathFor(range.parentId()), params, account);
            } catch (StripeApiException e) {
                if (type.isChild() && e.notFound()) {
                    // The parent was deleted after it was listed: its deletion comes through the
                    // event feed, and it has no children left to list.
                    log.debug("{} of {} is gone ({}); nothing to list", type.name(), range.parentId(), e.getMessage());
                    childReads.remove(range.id());
                    if (e.resourceMissing()) {
                        applier.applyListRead(ListRead.ofParentGone(parentObjectType, range.parentId(), account,
                                type.parent().embeddedField(), api.settings().apiVersion(), Source.BACKFILL));
                    }
                    Range gone = range.advanced(range.cursor(), 0, range.lastCreated());
                    store.savePage(run.id(), gone, true, null, List.of());
                    progress.page(range.listType(), 0, true);
                    return new Step(null, null);
                }
                throw e;
            }
            JsonNode data = answer.body().path("data");
            boolean hasMore = answer.body().path("has_more").asBoolean(false) && !data.isEmpty();

            List<Observation> observations = new ArrayList<>(data.size());
            List<Range> children = new ArrayList<>();
            List<ListableType> childTypes = childrenOf.getOrDefault(type.name(), List.of());
            for (JsonNode object : data) {
                observations.add(type.isChild()
                        ? Observation.childSnapshot(object, answer.answeredAt(), account, api.settings().apiVersion(),
                                parentObjectType, range.parentId())
                        : Observation.snapshot(object, answer.answeredAt(), account, api.settings().apiVersion()));
                for (ListableType child : childTypes) {
                    if (child.needsFetching(object)) {
                        children.add(Range.fresh(range.account(), child.name(), 0, object.path("id").asText(), null, null));
                    }
                }
            }
            applier.applyAll(observations);
            if (type.isChild() && ListRead.tellsRemovals(parentObjectType, type.listField())) {
                readChildren(parentObjectType, type, range, account, answer, hasMore);
            }

            JsonNode last = data.isEmpty() ? null : data.get(data.size() - 1);
            Range next = range.advanced(last == null ? range.cursor() : last.path("id").asText(), data.size(),
                    last == null ? range.lastCreated() : Long.valueOf(type.createdOf(last)));
            Range split = null;
            if (hasMore && type.createdFilter() && next.lastCreated() != null && queue.wantsMoreRanges(next)) {
                long lower = next.createdGte() != null ? next.createdGte() : STRIPE_EPOCH;
                long at = splitPoint(lower, next.lastCreated(), type.createdOf(data.get(0)) - type.createdOf(last));
                if (at > lower && at < next.lastCreated()) {
                    split = Range.fresh(range.account(), range.listType(), range.variant(), null, next.createdGte(), at);
                    next = next.startingFrom(at);
                }
            }
            Range storedSplit = store.savePage(run.id(), next, !hasMore, split, children);
            objects.add(data.size());
            pages.increment();
            progress.page(range.listType(), data.size(), !hasMore);
            return new Step(hasMore ? next : null, storedSplit);
        }

        /**
         * Follows a child list through its pages; read to its end from its first page, it tells
         * which children stored under the parent are no longer there ({@code Applier.applyListRead}).
         */
        private void readChildren(String parentObjectType, ListableType type, Range range, String account,
                                  ApiResponse answer, boolean hasMore) throws SQLException, InterruptedException {
            ChildListRead read = range.cursor() == null
                    ? new ChildListRead(answer.answeredAt(), ConcurrentHashMap.newKeySet())
                    : childReads.get(range.id());
            if (read == null) {
                return;
            }
            answer.body().path("data").forEach(child -> read.listed().add(child.path("id").asText()));
            if (hasMore) {
                childReads.put(range.id(), read);
                return;
            }
            childReads.remove(range.id());
            applier.applyListRead(new ListRead(parentObjectType, range.parentId(), account, type.listField(),
                    read.listed(), read.startedAt(), answer.answeredAt(), api.settings().apiVersion(), Source.BACKFILL));
        }
    }
}
