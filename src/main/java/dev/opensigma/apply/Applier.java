package dev.opensigma.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entrance to the apply path, with group commit. Callers submit observations and get a
 * future that completes once the observation is committed (or fails if it was not). Each writer
 * thread has its own queue and takes whatever has queued up there, up to {@code maxBatch}, and
 * commits it as one transaction, so concurrent requests share commits instead of paying one
 * fsync each.
 *
 * <p>Observations go to a writer by their object (a child list's entries by their parent), the
 * way Kafka partitions by key: every version of one object is written by the same writer, so
 * writers never wait for each other's object locks (Stripe sends several events about one object
 * within milliseconds), and the database's work is spread over the writers' connections.
 */
public final class Applier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    private record Pending(Prepared prepared, CompletableFuture<Outcome> done) {
        Observation observation() {
            return prepared.observation();
        }
    }

    /**
     * Writers on this machine: one per two CPUs, at least two, at most four. One writer's
     * database work runs on one PostgreSQL backend, one CPU: once the tables held about 100,000
     * events, a single writer kept two CPUs only 73-75% busy, and a second one (with its own
     * objects, see above) gave 9-16% more events/s (docs/benchmarks.md).
     */
    public static final int DEFAULT_WRITERS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));

    private final DataSource dataSource;
    private final BatchWriter writer;
    private final ObjectTables tables;
    /** One queue per writer; {@link #queueOf} picks it. */
    private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
    private final int maxBatch;
    private final List<Thread> threads = new ArrayList<>();
    private final Consumer<List<Outcome>> onCommit;
    private volatile boolean running = true;

    /**
     * @param writers   threads committing batches in parallel (see {@link #DEFAULT_WRITERS})
     * @param maxBatch  most observations in one transaction
     * @param queueCapacity observations waiting, in all (split evenly between the writers' queues)
     * @param onCommit  told the outcomes of every committed batch (for metrics)
     */
    public Applier(DataSource dataSource, int writers, int maxBatch, int queueCapacity, Consumer<List<Outcome>> onCommit) {
        this(dataSource, writers, maxBatch, queueCapacity, onCommit, null);
    }

    /**
     * The same, for a process that fetches objects again from the Stripe API ({@code
     * dev.opensigma.sync.Refetcher}): an event rendered in another API version than {@code
     * pinnedApiVersion} asks for its object to be fetched again in that version.
     */
    public Applier(DataSource dataSource, int writers, int maxBatch, int queueCapacity, Consumer<List<Outcome>> onCommit,
                   String pinnedApiVersion) {
        this.dataSource = dataSource;
        this.tables = new ObjectTables(dataSource);
        this.writer = new BatchWriter(dataSource, tables, pinnedApiVersion);
        this.maxBatch = maxBatch;
        this.onCommit = onCommit;
        int capacity = Math.max(1, (queueCapacity + writers - 1) / writers);
        for (int i = 0; i < writers; i++) {
            BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(capacity);
            queues.add(queue);
            threads.add(Thread.ofPlatform().name("apply-writer-" + i).daemon(true).unstarted(() -> runWriter(queue)));
        }
    }

    /**
     * Loads the known tables, creates those of the well-known types and gives every table the
     * columns of the fields stripe-java knows; then starts the writers.
     */
    public Applier start(List<String> precreateTypes) throws SQLException {
        tables.load();
        tables.upgrade(precreateTypes);
        threads.forEach(Thread::start);
        return this;
    }

    /**
     * Queues one observation. Waits up to {@code waitMillis} for room in the queue; when the
     * queue stays full the future fails with {@link DatabaseUnavailableException} (back-pressure:
     * the caller answers 503 and Stripe retries).
     */
    public CompletableFuture<Outcome> submit(Observation observation, long waitMillis) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new DatabaseUnavailableException("OpenSigma is shutting down", null));
            return done;
        }
        Prepared prepared;
        try {
            // The per-object work is done here, on the submitting thread, off the writer's path.
            prepared = Prepared.of(observation, tables);
        } catch (RuntimeException e) {
            done.completeExceptionally(new ApplyFailedException("Could not read this observation's object: " + e, e));
            return done;
        }
        try {
            if (!queueOf(observation).offer(new Pending(prepared, done), waitMillis, TimeUnit.MILLISECONDS)) {
                done.completeExceptionally(new DatabaseUnavailableException(
                        "The apply queue is full: the database is not keeping up or is unreachable", null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * Submits every observation and waits until all are committed (for sources that read in pages:
     * the backfill and the event feed). Throws the first failure; the others may have been committed.
     */
    public List<Outcome> applyAll(List<Observation> observations) throws InterruptedException {
        List<CompletableFuture<Outcome>> pending = new ArrayList<>(observations.size());
        for (Observation o : observations) {
            pending.add(submit(o, Long.MAX_VALUE));
        }
        List<Outcome> outcomes = new ArrayList<>(pending.size());
        for (CompletableFuture<Outcome> f : pending) {
            try {
                outcomes.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r
                        : new ApplyFailedException("Could not apply: " + e.getCause(), e.getCause());
            }
        }
        return outcomes;
    }

    /**
     * Files what a complete read of a parent's child list says beyond its entries, which the
     * caller has applied first as child snapshots: the children that the parent held as live and
     * the list no longer holds were removed from it (an invoice line taken off a draft, past the
     * ten its events embed). Returns how many removals were filed.
     */
    public int applyListRead(ListRead read) throws SQLException, InterruptedException {
        if (!ListRead.tellsRemovals(read.parentType(), read.field())) {
            return 0; // a list whose entries outlive it (most lists fetched): nothing to compare
        }
        List<Observation> removals;
        try (Connection c = dataSource.getConnection()) {
            removals = RemovedChildren.missingFrom(c, read);
        }
        if (!removals.isEmpty()) {
            log.info("{} {} no longer lists {} of its {} stored: filed as removed", read.parentType(), read.parentId(),
                    removals.size(), read.field());
            applyAll(removals);
        }
        return removals.size();
    }

    /** The queue of the writer that writes this observation's object. */
    private BlockingQueue<Pending> queueOf(Observation observation) {
        return queues.get(Math.floorMod(writerKey(observation).hashCode(), queues.size()));
    }

    /**
     * What decides an observation's writer: its object, or for an entry of a child list its parent
     * (whose events embed it); an event without an object goes by its id, so that its duplicate
     * deliveries meet in one writer's batch.
     */
    static String writerKey(Observation o) {
        if (o.isChild()) {
            return o.parentType() + ":" + o.parentId();
        }
        return o.hasVersion() ? o.objectType() + ":" + o.objectId() : "event:" + o.eventId();
    }

    private void runWriter(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Unexpected failure in the apply writer", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        List<Prepared> prepared = batch.stream().map(Pending::prepared).toList();
        try {
            List<Outcome> outcomes = writeWithRetry(prepared);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(outcomes.get(i));
            }
            onCommit.accept(outcomes);
        } catch (SQLException e) {
            if (isConnectionProblem(e)) {
                DatabaseUnavailableException failure = new DatabaseUnavailableException(
                        "The database is unreachable: " + e.getMessage(), e);
                batch.forEach(p -> p.done().completeExceptionally(failure));
            } else if (batch.size() > 1) {
                // One bad observation must not sink the others: apply them one by one.
                for (Pending p : batch) {
                    commit(List.of(p));
                }
            } else {
                log.warn("Could not apply {}: {}", describe(batch.getFirst().observation()), e.getMessage());
                batch.getFirst().done().completeExceptionally(new ApplyFailedException(
                        "The database refused this event: " + e.getMessage(), e));
            }
        }
    }

    private List<Outcome> writeWithRetry(List<Prepared> prepared) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return writer.write(prepared);
            } catch (SQLException e) {
                boolean conflict = "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
                if (!conflict || attempt == 5) {
                    throw e;
                }
                log.debug("Batch hit a lock conflict, retrying (attempt {})", attempt);
            }
        }
    }

    static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")))
                || (e.getCause() instanceof java.io.IOException);
    }

    private static String describe(Observation o) {
        return o.event() != null ? "event " + o.eventId() : "snapshot of " + o.objectType() + " " + o.objectId();
    }

    /** Stops taking work, commits what is queued, and waits for the writers. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
