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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Balance transactions, which no event announces: Stripe sends no event when one is created or
 * when it becomes available, so neither webhooks nor the event feed bring them, and after the
 * backfill their table would stand still. Each poll lists those created since the newest one
 * stored (less a minute, for Stripe's list showing some a little late); once an hour it lists
 * again from the oldest one still {@code pending} here (at most 31 days back), since a pending
 * one becomes available without an event. Only new and changed ones are filed, as snapshots:
 * listing the same one again stores nothing.
 */
public final class UnannouncedObjects {

    static final String PATH = "/v1/balance_transactions";
    static final Duration OVERLAP = Duration.ofMinutes(1);
    /** Stripe makes funds available within 30 days at most. */
    static final Duration SETTLING = Duration.ofDays(31);
    static final Duration RELIST_EVERY = Duration.ofHours(1);

    /** The table appears with the first balance transaction stored. */
    private static final String TABLE_EXISTS = "select to_regclass('balance_transactions') is not null";
    /** The newest stored, per account (the created index, read from its end); none before a backfill brought the first. */
    private static final String NEWEST = """
            select extract(epoch from max(created))::bigint from balance_transactions where coalesce(account, '') = ?""";
    /** The oldest still pending here, per account: read once an hour only. */
    private static final String OLDEST_PENDING = """
            select extract(epoch from min(created))::bigint from balance_transactions
            where coalesce(account, '') = ? and status = 'pending'""";
    /** Of the listed ones, those stored exactly so already. */
    private static final String UNCHANGED = """
            select b.id from unnest(?::text[], ?::text[]) as t(id, doc)
            join balance_transactions b on b.object_type = 'balance_transaction' and b.id = t.id
            where coalesce(b.account, '') = ? and not b.deleted and b.data = t.doc::jsonb""";

    private final StripeApi api;
    private final Applier applier;
    private final DataSource dataSource;
    private final Clock clock;
    private Instant lastRelist;
    /** Once the table exists it stays: no need to ask again every poll. */
    private boolean tableSeen;

    public UnannouncedObjects(StripeApi api, Applier applier, DataSource dataSource, Clock clock) {
        this.api = api;
        this.applier = applier;
        this.dataSource = dataSource;
        this.clock = clock;
        this.lastRelist = clock.instant();
    }

    /** Lists what is new for one account ("" for the key's own); every hour, what may have settled. Returns objects filed. */
    public long runOnce(String account) throws SQLException, StripeApiException, InterruptedException {
        Long newest = tableExists() ? epochSeconds(NEWEST, account) : null;
        if (newest == null) {
            return 0; // nothing copied yet: the backfill brings them
        }
        Instant now = clock.instant();
        long since = newest - OVERLAP.toSeconds();
        if (!now.isBefore(lastRelist.plus(RELIST_EVERY))) {
            lastRelist = now;
            Long oldestPending = epochSeconds(OLDEST_PENDING, account);
            if (oldestPending != null) {
                since = Math.min(since, Math.max(oldestPending, now.minus(SETTLING).getEpochSecond()));
            }
        }
        return list(account, since);
    }

    private long list(String account, long since) throws StripeApiException, InterruptedException {
        String header = account.isEmpty() ? null : account;
        long[] filed = {0};
        api.pageThrough(PATH, List.of(Param.of("created[gte]", since)), header, page -> {
            JsonNode data = page.body().path("data");
            Set<String> unchanged = unchanged(account, data);
            List<Observation> snapshots = new ArrayList<>();
            for (JsonNode object : data) {
                if (!unchanged.contains(object.path("id").asText())) {
                    snapshots.add(Observation.snapshot(object, page.answeredAt(), header, api.settings().apiVersion(),
                            Source.POLL));
                }
            }
            applier.applyAll(snapshots);
            filed[0] += snapshots.size();
            return true;
        });
        return filed[0];
    }

    private Set<String> unchanged(String account, JsonNode data) {
        int n = data.size();
        String[] ids = new String[n];
        String[] docs = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = data.get(i).path("id").asText();
            docs[i] = data.get(i).toString();
        }
        Set<String> unchanged = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(UNCHANGED)) {
            s.setArray(1, c.createArrayOf("text", ids));
            s.setArray(2, c.createArrayOf("text", docs));
            s.setString(3, account);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    unchanged.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not compare balance transactions with the stored ones: " + e.getMessage(), e);
        }
        return unchanged;
    }

    private boolean tableExists() throws SQLException {
        if (!tableSeen) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TABLE_EXISTS);
                 ResultSet rs = s.executeQuery()) {
                tableSeen = rs.next() && rs.getBoolean(1);
            }
        }
        return tableSeen;
    }

    /** One epoch-seconds value for the account; null when there is none. */
    private Long epochSeconds(String sql, String account) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? null : value;
            }
        }
    }

    /** For tests: the next run is the hourly one. */
    void relistNextTime() {
        lastRelist = Instant.EPOCH;
    }
}
