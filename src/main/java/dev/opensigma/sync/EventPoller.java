package dev.opensigma.sync;

import dev.opensigma.stripe.api.AccessDeniedException;
import dev.opensigma.stripe.api.StripeApiException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the copy current by reading each account's event feed every few seconds. The first read
 * of an account imports every event Stripe still keeps (up to 30 days); later reads take what is
 * newer than the stored position, and now and then re-read a short overlap, because Stripe's list
 * can show an event a little after newer ones. Events that also arrive by webhook are recognised
 * by their id and stored once.
 */
public final class EventPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPoller.class);

    /** Repairs an account whose feed position fell out of Stripe's retention (a backfill). */
    @FunctionalInterface
    public interface Reconciler {
        void reconcile(String account, String reason) throws Exception;
    }

    /** How far back every tenth pass re-reads the feed. */
    static final Duration OVERLAP = Duration.ofMinutes(5);

    /**
     * One pass over the accounts: events read, applied and duplicates seen; objects fetched again;
     * balance transactions and open Checkout Sessions listed (no event announces them).
     */
    public record Pass(long events, long applied, long duplicates, long refetched, long unannounced) {
    }

    /**
     * How the background polling goes, for {@code /health} and {@code /metrics}: passes completed
     * and failed, and when each last happened (null if never).
     */
    public record Status(long passes, long failures, Instant lastPassAt, Instant lastFailureAt, String lastFailure) {
    }

    /** Refetch requests worked through per pass, at most (the rest wait for the next). */
    static final int REFETCHES_PER_PASS = 100;

    private final EventFeed feed;
    private final EventCursors cursors;
    private final List<String> accounts;
    private final Duration interval;
    private final Reconciler reconciler;
    private final Refetcher refetcher;
    private final UnannouncedObjects unannounced;
    private volatile boolean running = true;
    private Thread thread;
    private int passes;
    private volatile Status status = new Status(0, 0, null, null, null);

    /**
     * @param accounts "" for the key's own account, plus connected account ids
     */
    public EventPoller(EventFeed feed, EventCursors cursors, List<String> accounts, Duration interval,
                       Reconciler reconciler, Refetcher refetcher, UnannouncedObjects unannounced) {
        this.feed = feed;
        this.cursors = cursors;
        this.accounts = List.copyOf(accounts);
        this.interval = interval;
        this.reconciler = reconciler;
        this.refetcher = refetcher;
        this.unannounced = unannounced;
    }

    /**
     * Reads every account's feed once, and lists its new balance transactions and open Checkout
     * Sessions (which no event announces); then fetches again the objects the events asked for.
     */
    public Pass pollOnce() throws InterruptedException, SQLException, StripeApiException {
        long events = 0;
        long applied = 0;
        long duplicates = 0;
        boolean sweep = passes++ % 10 == 0;
        long listed = 0;
        for (String account : accounts) {
            EventFeed.Read read = pollAccount(account, sweep);
            events += read.events();
            applied += read.applied();
            duplicates += read.duplicates();
            listed += unannounced.runOnce(account);
        }
        Refetcher.Pass refetched = refetcher.runOnce(REFETCHES_PER_PASS);
        // Live traffic asks for a fetch or two on most polls (a new Checkout Session's line items):
        // routine, so a debug line. The Refetcher warns of each failure itself.
        if (refetched.fetched() + refetched.gone() + refetched.failed() > 0) {
            log.debug("Fetched {} object(s) and child list(s) that events left uncertain or incomplete ({} gone, {} failed)",
                    refetched.fetched(), refetched.gone(), refetched.failed());
        }
        return new Pass(events, applied, duplicates, refetched.fetched(), listed);
    }

    private EventFeed.Read pollAccount(String account, boolean sweep) throws InterruptedException, SQLException, StripeApiException {
        Optional<FeedPosition> position = cursors.read(account);
        EventFeed.Read read;
        if (position.isEmpty()) {
            read = feed.readAll(account);
            log.info("Imported {} event(s) still kept by Stripe{}", read.events(), label(account));
        } else {
            try {
                read = feed.readAfter(account, position.get());
                if (sweep) {
                    Instant since = position.get().created().minus(OVERLAP);
                    EventFeed.Read late = feed.sweep(account, since);
                    if (late.applied() > 0) {
                        log.info("Found {} event(s) that appeared late in the feed{}", late.applied(), label(account));
                    }
                    read = read.plus(late);
                }
            } catch (FeedExpiredException e) {
                log.warn("{}", e.getMessage());
                try {
                    reconciler.reconcile(account, e.getMessage());
                } catch (InterruptedException ie) {
                    throw ie;
                } catch (Exception re) {
                    log.error("Reconciling{} with a backfill failed: {}", label(account), re.getMessage());
                }
                return new EventFeed.Read(null, 0, 0, 0);
            }
        }
        if (read.newest() != null) {
            cursors.advance(account, read.newest());
        }
        return read;
    }

    /** Polls in the background until closed. Errors are logged and retried at the next interval. */
    public EventPoller start() {
        thread = Thread.ofPlatform().name("event-poller").daemon(true).start(() -> {
            while (running) {
                try {
                    Pass pass = pollOnce();
                    if (pass.applied() > 0) {
                        log.debug("Polled {} event(s), {} new", pass.events(), pass.applied());
                    }
                    passed();
                } catch (InterruptedException e) {
                    return;
                } catch (AccessDeniedException e) {
                    log.error("Polling /v1/events was refused: {}", e.getMessage());
                    failed(e);
                } catch (StripeApiException | SQLException | RuntimeException e) {
                    log.warn("Polling /v1/events failed, retrying in {} s: {}", interval.toSeconds(), e.getMessage());
                    failed(e);
                }
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** How the background polling goes. */
    public Status status() {
        return status;
    }

    // Only the polling thread writes the status; readers see whole records.
    private void passed() {
        Status s = status;
        status = new Status(s.passes() + 1, s.failures(), Instant.now(), s.lastFailureAt(), s.lastFailure());
    }

    private void failed(Exception e) {
        Status s = status;
        status = new Status(s.passes(), s.failures() + 1, s.lastPassAt(), Instant.now(), e.getMessage());
    }

    private static String label(String account) {
        return account.isEmpty() ? "" : " of " + account;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
