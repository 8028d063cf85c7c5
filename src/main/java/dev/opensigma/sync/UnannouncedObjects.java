package dev.opensigma.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.Applier;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Source;
import dev.opensigma.stripe.api.Param;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Balance transactions, which no event announces: Stripe sends no event when one is created or
 * when it becomes available, so neither webhooks nor the event feed bring them, and after the
 * backfill their table would stand still. Each poll lists those created since the newest one
 * stored (less an overlap, for Stripe's list showing some a little late); once an hour it lists
 * again those of the last 31 days, whose {@code status} moves from pending to available without
 * an event. Each is filed as a snapshot; one that finds its object unchanged adds no version to
 * history (V10).
 */
public final class UnannouncedObjects {

    static final String PATH = "/v1/balance_transactions";
    static final Duration OVERLAP = Duration.ofMinutes(5);
    /** How far back the hourly pass lists: Stripe makes funds available within 30 days at most. */
    static final Duration SETTLING = Duration.ofDays(31);
    static final Duration RELIST_EVERY = Duration.ofHours(1);

    /** The table appears with the first balance transaction stored. */
    private static final String TABLE_EXISTS = "select to_regclass('balance_transactions') is not null";
    /** The newest stored, per account; none before a backfill brought the first ones. */
    private static final String NEWEST = """
            select extract(epoch from max(created))::bigint from balance_transactions
            where coalesce(account, '') = ?""";

    private final StripeApi api;
    private final Applier applier;
    private final DataSource dataSource;
    private final Clock clock;
    private Instant lastRelist;

    public UnannouncedObjects(StripeApi api, Applier applier, DataSource dataSource, Clock clock) {
        this.api = api;
        this.applier = applier;
        this.dataSource = dataSource;
        this.clock = clock;
        this.lastRelist = clock.instant();
    }

    /** Lists what is new for one account ("" for the key's own); every hour, what may have settled. Returns objects filed. */
    public long runOnce(String account) throws SQLException, StripeApiException, InterruptedException {
        Long newest = newestStored(account);
        if (newest == null) {
            return 0; // nothing copied yet: the backfill brings them
        }
        Instant now = clock.instant();
        long since = newest - OVERLAP.toSeconds();
        if (!now.isBefore(lastRelist.plus(RELIST_EVERY))) {
            since = Math.min(since, now.minus(SETTLING).getEpochSecond());
            lastRelist = now;
        }
        return list(account, since);
    }

    private long list(String account, long since) throws StripeApiException, InterruptedException {
        String header = account.isEmpty() ? null : account;
        long[] filed = {0};
        api.pageThrough(PATH, List.of(Param.of("created[gte]", since)), header, page -> {
            List<Observation> snapshots = new ArrayList<>();
            for (JsonNode object : page.body().path("data")) {
                snapshots.add(Observation.snapshot(object, page.answeredAt(), header, api.settings().apiVersion(),
                        Source.POLL));
            }
            applier.applyAll(snapshots);
            filed[0] += snapshots.size();
            return true;
        });
        return filed[0];
    }

    private Long newestStored(String account) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(TABLE_EXISTS); ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return null;
                }
            }
            return newestStored(c, account);
        }
    }

    private static Long newestStored(Connection c, String account) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(NEWEST)) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long newest = rs.getLong(1);
                return rs.wasNull() ? null : newest;
            }
        }
    }

    /** For tests: the next run lists the whole settling window. */
    void relistNextTime() {
        lastRelist = Instant.EPOCH;
    }
}
