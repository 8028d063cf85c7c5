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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
    private static final String COMPLETED_RUNS = "select count(*) from backfill_runs where status = 'completed'";

    /**
     * @param accounts       "" for the key's own account, plus connected account ids to follow
     * @param firstBackfill  run a backfill of everything unless one has completed before
     */
    public record Settings(List<String> accounts, Duration pollInterval, boolean firstBackfill,
                           int backfillWorkers) {
    }

    private final EventPoller poller;
    private final Thread backfillThread;

    private ApiSync(EventPoller poller, Thread backfillThread) {
        this.poller = poller;
        this.backfillThread = backfillThread;
    }

    public static ApiSync start(DataSource dataSource, Applier applier, StripeApi api, Settings settings) throws SQLException {
        Backfill backfill = new Backfill(api, applier, dataSource);
        EventPoller poller = poller(dataSource, applier, api, settings, backfill);
        Thread first = null;
        if (settings.firstBackfill() && !hasCompletedBackfill(dataSource)) {
            first = Thread.ofPlatform().name("first-backfill").daemon(true).start(() -> {
                try {
                    Backfill.Result result = backfill.run(new BackfillRequest(List.of(), null, null,
                            settings.accounts().size() > 1, settings.backfillWorkers()));
                    if (result.completed()) {
                        log.info("First backfill completed: {} objects", result.objects());
                    } else {
                        log.error("First backfill did not complete ({} problem(s)); run './opensigma backfill' to"
                                + " retry what failed: {}", result.errors().size(), result.errors().getFirst());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    log.error("First backfill failed: {}", e.getMessage());
                }
            });
        }
        poller.start();
        return new ApiSync(poller, first);
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

    static boolean hasCompletedBackfill(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(COMPLETED_RUNS)) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    @Override
    public void close() {
        poller.close();
        if (backfillThread != null) {
            backfillThread.interrupt();
        }
    }
}
