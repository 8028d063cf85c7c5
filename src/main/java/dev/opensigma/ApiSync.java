package dev.opensigma;

import dev.opensigma.apply.Applier;
import dev.opensigma.backfill.Backfill;
import dev.opensigma.backfill.BackfillRequest;
import dev.opensigma.backfill.BackfilledLists;
import dev.opensigma.backfill.ListableTypes;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.sync.EventCursors;
import dev.opensigma.sync.EventFeed;
import dev.opensigma.sync.EventPoller;
import dev.opensigma.sync.Refetcher;
import dev.opensigma.sync.UnannouncedObjects;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeping the copy current through the Stripe API, for {@code serve} and {@code sync}: the event
 * poller (which also lists the balance transactions and open Checkout Sessions no event announces and fetches again the
 * objects events left uncertain), a first backfill when none has completed yet, and a backfill
 * to reconcile an account whose feed position fell out of Stripe's retention. Backfill and
 * poller run side by side; both write through the same apply path, which makes their overlap
 * harmless.
 */
public final class ApiSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiSync.class);
    /**
     * @param accounts       "" for the key's own account, plus connected account ids to follow
     * @param firstBackfill  run a backfill of everything unless one has completed before
     */
    public record Settings(List<String> accounts, Duration pollInterval, boolean firstBackfill,
                           int backfillWorkers) {
    }

    private static final String FEED_READ_UP_TO = "select max(event_created) from event_cursors";

    private final DataSource dataSource;
    private final EventPoller poller;
    /** What became of the first backfill: not asked for, running, completed (now or before), or what went wrong. */
    private volatile String firstBackfill;
    private Thread backfillThread;

    private ApiSync(DataSource dataSource, EventPoller poller) {
        this.dataSource = dataSource;
        this.poller = poller;
    }

    public static ApiSync start(DataSource dataSource, Applier applier, StripeApi api, Settings settings) throws SQLException {
        Backfill backfill = new Backfill(api, applier, dataSource);
        ApiSync sync = new ApiSync(dataSource, poller(dataSource, applier, api, settings, backfill));
        // Every type of the accounts followed: a run of some types, of the recent past only, or of
        // one connected account leaves the rest uncopied, so it does not stand for this one.
        BackfillRequest first = new BackfillRequest(List.of(), null, null, settings.accounts().size() > 1,
                settings.backfillWorkers());
        Optional<Long> completedBefore = settings.firstBackfill() ? backfill.lastCompletedRun(first) : Optional.empty();
        if (!settings.firstBackfill()) {
            sync.firstBackfill = "not asked for";
        } else if (completedBefore.isPresent()) {
            sync.firstBackfill = "completed before: run " + completedBefore.get();
        } else {
            sync.firstBackfill = "running";
            sync.backfillThread = Thread.ofPlatform().name("first-backfill").daemon(true).start(() -> {
                try {
                    Backfill.Result result = backfill.run(first);
                    if (result.completed()) {
                        log.info("First backfill completed: {} objects", result.objects());
                        sync.firstBackfill = "completed: run " + result.runId();
                    } else {
                        log.error("First backfill did not complete ({} problem(s)); run './opensigma backfill' to"
                                + " retry what failed: {}", result.errors().size(), result.errors().getFirst());
                        sync.firstBackfill = "did not complete: run " + result.runId() + ", " + result.errors().size()
                                + " problem(s), the first: " + result.errors().getFirst();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    log.error("First backfill failed: {}", e.getMessage());
                    sync.firstBackfill = "failed: " + e.getMessage();
                }
            });
        }
        sync.poller.start();
        return sync;
    }

    /**
     * The {@code stripe_api} section of {@code GET /health}: how polling goes, how far the event
     * feed is read, how many objects wait to be fetched again, and the first backfill. A Stripe
     * outage shows here, not in the health status, which says whether events can be stored.
     */
    public Map<String, Object> health() {
        EventPoller.Status polling = poller.status();
        Map<String, Object> poll = new LinkedHashMap<>();
        poll.put("passes", polling.passes());
        poll.put("failed_passes", polling.failures());
        poll.put("last_pass_at", text(polling.lastPassAt()));
        poll.put("last_failure_at", text(polling.lastFailureAt()));
        poll.put("last_failure", polling.lastFailure());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("polling", poll);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            try (ResultSet rs = s.executeQuery(FEED_READ_UP_TO)) {
                rs.next();
                report.put("feed_read_up_to", rs.getTimestamp(1) == null ? null : text(rs.getTimestamp(1).toInstant()));
            }
            report.put("refetches_waiting", Refetcher.waitingCount(c));
        } catch (SQLException e) {
            report.put("feed_read_up_to", null);
            report.put("refetches_waiting", null);
        }
        report.put("first_backfill", firstBackfill);
        return report;
    }

    /** Polls (ok and failed), the last good one's time, and the objects waiting to be fetched again, for /metrics. */
    public void register(MeterRegistry registry) {
        FunctionCounter.builder("opensigma.poll.passes", poller, p -> p.status().passes())
                .description("Passes of the event poller").tag("outcome", "ok").register(registry);
        FunctionCounter.builder("opensigma.poll.passes", poller, p -> p.status().failures())
                .description("Passes of the event poller").tag("outcome", "failed").register(registry);
        Gauge.builder("opensigma.poll.last.success.timestamp", poller,
                        p -> p.status().lastPassAt() == null ? Double.NaN : p.status().lastPassAt().getEpochSecond())
                .description("When the event poller last completed a pass (Unix time)").baseUnit("seconds")
                .register(registry);
        Gauge.builder("opensigma.refetches.waiting", dataSource, ds -> {
            try {
                return Refetcher.waitingCount(ds);
            } catch (SQLException e) {
                return Double.NaN;
            }
        }).description("Objects and child lists waiting to be fetched again").register(registry);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** The poller alone, reconciling through a backfill of the account when its feed position expired. */
    public static EventPoller poller(DataSource dataSource, Applier applier, StripeApi api, Settings settings,
                                     Backfill backfill) {
        return new EventPoller(new EventFeed(api, applier), new EventCursors(dataSource), settings.accounts(),
                settings.pollInterval(), (account, reason) -> {
                    Backfill.Result result = backfill.run(new BackfillRequest(List.of(), null,
                            account.isEmpty() ? null : account, false, settings.backfillWorkers()));
                    if (!result.completed()) {
                        throw new IllegalStateException("the reconciling backfill (run " + result.runId()
                                + ") did not complete: " + String.join("; ", result.errors()));
                    }
                }, refetcher(dataSource, applier, api),
                new UnannouncedObjects(api, applier, dataSource, Clock.systemUTC()));
    }

    /** What fetches again the objects and child lists that events left uncertain or incomplete. */
    public static Refetcher refetcher(DataSource dataSource, Applier applier, StripeApi api) {
        return new Refetcher(api, applier, dataSource, ListableTypes::retrievePath, new BackfilledLists(dataSource)::readAfter);
    }

    @Override
    public void close() {
        poller.close();
        if (backfillThread != null) {
            backfillThread.interrupt();
        }
    }
}
