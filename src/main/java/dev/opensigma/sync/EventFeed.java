package dev.opensigma.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.stripe.InvalidEventException;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.StripeEvent;
import dev.opensigma.stripe.api.ApiResponse;
import dev.opensigma.stripe.api.Param;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One account's {@code /v1/events}, read through the apply path. Stripe lists events newest
 * first; reading forward from a position means asking for the page just newer than it
 * ({@code ending_before}) until there is none.
 */
public final class EventFeed {

    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);

    /** Stripe keeps events for 30 days; a position older than this may already be gone. */
    public static final Duration RETENTION = Duration.ofDays(30);

    private final StripeApi api;
    private final Applier applier;

    public EventFeed(StripeApi api, Applier applier) {
        this.api = api;
        this.applier = applier;
    }

    /** What one read applied. */
    public record Read(FeedPosition newest, long events, long applied, long duplicates) {
        /** Both reads together; the newest position is the later one (the first seen on a tie). */
        Read plus(Read other) {
            boolean later = other.newest != null && (newest == null || other.newest.created().isAfter(newest.created()));
            return new Read(later ? other.newest : newest, events + other.events, applied + other.applied,
                    duplicates + other.duplicates);
        }
    }

    /**
     * Where the feed stands now.
     *
     * @param newest the newest event, or empty when the feed has none
     * @param at     Stripe's clock at the time of asking
     */
    public record Probe(Optional<FeedPosition> newest, Instant at) {
    }

    public Probe probe(String account) throws StripeApiException, InterruptedException {
        ApiResponse answer = api.get("/v1/events", List.of(Param.of("limit", 1)), account(account));
        JsonNode data = answer.body().path("data");
        return new Probe(data.isEmpty() ? Optional.empty() : Optional.of(position(data.get(0))), answer.answeredAt());
    }

    /**
     * Applies every event Stripe still keeps (up to 30 days). A large account's feed holds many
     * pages, so the window is read in {@link #SLICES} {@code created} slices side by side; the apply
     * path does not care in which order events arrive.
     */
    public Read readAll(String account) throws StripeApiException, InterruptedException {
        long now = Instant.now().getEpochSecond();
        long from = now - RETENTION.toSeconds() - Duration.ofDays(1).toSeconds(); // a day's slack for clocks
        long step = (now - from) / SLICES + 1;
        List<List<Param>> slices = new ArrayList<>();
        for (int i = 0; i < SLICES; i++) {
            List<Param> filters = new ArrayList<>();
            if (i > 0) {
                filters.add(Param.of("created[gte]", from + i * step));
            }
            if (i < SLICES - 1) {
                filters.add(Param.of("created[lt]", from + (i + 1) * step));
            }
            slices.add(filters);
        }
        Read total = new Read(null, 0, 0, 0);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Read>> reads = new ArrayList<>();
            for (List<Param> filters : slices) {
                reads.add(readers.submit(() -> readPages(account, filters)));
            }
            for (Future<Read> read : reads) {
                try {
                    total = total.plus(read.get());
                } catch (ExecutionException e) {
                    reads.forEach(r -> r.cancel(true));
                    if (e.getCause() instanceof StripeApiException s) {
                        throw s;
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        return total;
    }

    /** Slices of the 30-day window that a first read pages side by side. */
    static final int SLICES = 8;

    /**
     * Applies every event newer than {@code after}. Fails with {@link FeedExpiredException} when
     * {@code after} is older than Stripe's retention (or Stripe no longer knows it).
     */
    public Read readAfter(String account, FeedPosition after) throws StripeApiException, InterruptedException, FeedExpiredException {
        if (after.created().isBefore(Instant.now().minus(RETENTION))) {
            throw expired(account, after);
        }
        Read total = new Read(after, 0, 0, 0);
        String cursor = after.eventId();
        while (true) {
            ApiResponse page;
            try {
                page = api.get("/v1/events", List.of(Param.of("limit", 100), Param.of("ending_before", cursor)), account(account));
            } catch (StripeApiException e) {
                if (e.status() == 404 || "resource_missing".equals(e.code())) {
                    throw expired(account, after);
                }
                throw e;
            }
            JsonNode data = page.body().path("data");
            if (data.isEmpty()) {
                return total;
            }
            total = total.plus(apply(data, account));
            cursor = data.get(0).path("id").asText(); // the newest of this page
            if (!page.body().path("has_more").asBoolean(false)) {
                return total;
            }
        }
    }

    /**
     * Re-reads the events created since {@code since} and applies those not yet stored. Stripe's
     * list is eventually consistent: an event can appear a little after newer ones were read.
     */
    public Read sweep(String account, Instant since) throws StripeApiException, InterruptedException {
        return readPages(account, List.of(Param.of("created[gte]", since.getEpochSecond())));
    }

    private Read readPages(String account, List<Param> filters) throws StripeApiException, InterruptedException {
        Read[] total = {new Read(null, 0, 0, 0)};
        api.pageThrough("/v1/events", filters, account(account), page -> {
            total[0] = total[0].plus(apply(page.body().path("data"), account));
            return true;
        });
        return total[0];
    }

    private Read apply(JsonNode events, String account) throws InterruptedException {
        List<Observation> observations = new ArrayList<>(events.size());
        FeedPosition newest = null;
        for (JsonNode event : events) {
            FeedPosition p = position(event);
            if (newest == null || p.created().isAfter(newest.created())) {
                newest = p;
            }
            StripeEvent parsed;
            try {
                parsed = StripeEvent.of(event, Json.MAPPER.writeValueAsString(event));
            } catch (InvalidEventException | JsonProcessingException e) {
                log.warn("Skipping an event from /v1/events that is not a valid event ({}): {}", p.eventId(), e.getMessage());
                continue;
            }
            Observation o = Observation.of(parsed, Source.POLL);
            // Events read with Stripe-Account belong to that account even where they do not say so.
            observations.add(o.account() == null && account != null && !account.isEmpty() ? o.withAccount(account) : o);
        }
        List<Outcome> outcomes = applier.applyAll(observations);
        long duplicates = outcomes.stream().filter(o -> o == Outcome.DUPLICATE).count();
        return new Read(newest, outcomes.size(), outcomes.size() - duplicates, duplicates);
    }

    private static FeedPosition position(JsonNode event) {
        return new FeedPosition(event.path("id").asText(), Instant.ofEpochSecond(event.path("created").asLong()));
    }

    private static String account(String account) {
        return account == null || account.isEmpty() ? null : account;
    }

    private static FeedExpiredException expired(String account, FeedPosition after) {
        return new FeedExpiredException("The event feed" + (account == null || account.isEmpty() ? "" : " of " + account)
                + " was last read at " + after.eventId() + " (" + after.created() + "), which is older than the "
                + RETENTION.toDays() + " days Stripe keeps events: changes since then cannot be read from events."
                + " Reconciling with a backfill.");
    }
}
