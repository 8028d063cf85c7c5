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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Objects that no event announces, so that neither webhooks nor the event feed bring them and,
 * after the backfill, their table would stand still:
 * <ul>
 * <li>Balance transactions: Stripe sends no event when one is created or when it becomes
 * available. Each poll lists those created since the newest one stored (less a minute, for
 * Stripe's list showing some a little late); once an hour it lists again from the oldest one
 * still {@code pending} here (at most 31 days back), since a pending one becomes available
 * without an event.</li>
 * <li>Open Checkout Sessions: Stripe sends an event when a session completes or expires, none
 * when it is created. Each poll lists the open ones created since the newest session stored (less
 * a minute); once an hour, all open ones (a session expires within 24 hours), which also finds
 * one created before a later session that an event brought.</li>
 * </ul>
 * Both wait for the first object of their type to be stored (by the backfill, or for sessions
 * also by an event) before their per-poll listing; the hourly pass of sessions runs regardless.
 * Only new and changed objects are filed, as snapshots: listing the same one again stores nothing.
 */
public final class UnannouncedObjects {

    static final String PATH = "/v1/balance_transactions";
    static final String SESSIONS_PATH = "/v1/checkout/sessions";
    static final Duration OVERLAP = Duration.ofMinutes(1);
    /** Stripe makes funds available within 30 days at most. */
    static final Duration SETTLING = Duration.ofDays(31);
    /** A Checkout Session expires 24 hours after its creation at the latest. */
    static final Duration SESSION_LIFETIME = Duration.ofHours(24);
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

    private static final String SESSIONS_TABLE_EXISTS = "select to_regclass('checkout_sessions') is not null";
    /** The newest session stored, per account, whatever its status. */
    private static final String NEWEST_SESSION = """
            select extract(epoch from max(created))::bigint from checkout_sessions where coalesce(account, '') = ?""";
    /** Of the listed sessions, those stored exactly so already. */
    private static final String UNCHANGED_SESSIONS = """
            select s.id from unnest(?::text[], ?::text[]) as t(id, doc)
            join checkout_sessions s on s.object_type = 'checkout.session' and s.id = t.id
            where coalesce(s.account, '') = ? and not s.deleted and s.data = t.doc::jsonb""";

    private final StripeApi api;
    private final Applier applier;
    private final DataSource dataSource;
    private final Clock clock;
    /** Per account ("" for the key's own): when its hourly pass last ran. */
    private final Map<String, Instant> lastRelist = new HashMap<>();
    private final Map<String, Instant> lastSessionsRelist = new HashMap<>();
    /** When this lister started: the balance transactions' first hourly pass is an hour later (the backfill just listed them). */
    private Instant started;
    /** The statements of tables seen to exist: once a table exists it stays, no need to ask again every poll. */
    private final Set<String> tablesSeen = new HashSet<>();

    public UnannouncedObjects(StripeApi api, Applier applier, DataSource dataSource, Clock clock) {
        this.api = api;
        this.applier = applier;
        this.dataSource = dataSource;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** Lists what is new for one account ("" for the key's own); every hour, what may have changed. Returns objects filed. */
    public long runOnce(String account) throws SQLException, StripeApiException, InterruptedException {
        return balanceTransactions(account) + openCheckoutSessions(account);
    }

    private long balanceTransactions(String account) throws SQLException, StripeApiException, InterruptedException {
        Long newest = tableExists(TABLE_EXISTS) ? epochSeconds(NEWEST, account) : null;
        if (newest == null) {
            return 0; // nothing copied yet: the backfill brings them
        }
        Instant now = clock.instant();
        long since = newest - OVERLAP.toSeconds();
        if (!now.isBefore(lastRelist.getOrDefault(account, started).plus(RELIST_EVERY))) {
            lastRelist.put(account, now);
            Long oldestPending = epochSeconds(OLDEST_PENDING, account);
            if (oldestPending != null) {
                since = Math.min(since, Math.max(oldestPending, now.minus(SETTLING).getEpochSecond()));
            }
        }
        return list(account, PATH, List.of(Param.of("created[gte]", since)), UNCHANGED);
    }

    private long openCheckoutSessions(String account) throws SQLException, StripeApiException, InterruptedException {
        boolean stored = tableExists(SESSIONS_TABLE_EXISTS);
        Instant now = clock.instant();
        Long since = stored ? epochSeconds(NEWEST_SESSION, account) : null;
        if (since != null) {
            since -= OVERLAP.toSeconds();
        }
        // The first pass of each account looks for every open session.
        if (!now.isBefore(lastSessionsRelist.getOrDefault(account, Instant.EPOCH).plus(RELIST_EVERY))) {
            lastSessionsRelist.put(account, now);
            since = now.minus(SESSION_LIFETIME).minus(OVERLAP).getEpochSecond();
        }
        if (since == null) {
            return 0;
        }
        return list(account, SESSIONS_PATH, List.of(Param.of("status", "open"), Param.of("created[gte]", since)),
                stored ? UNCHANGED_SESSIONS : null);
    }

    /** Lists from the path and files what is not stored exactly so already ({@code unchangedSql} null: no table yet). */
    private long list(String account, String path, List<Param> params, String unchangedSql)
            throws StripeApiException, InterruptedException {
        String header = account.isEmpty() ? null : account;
        long[] filed = {0};
        api.pageThrough(path, params, header, page -> {
            JsonNode data = page.body().path("data");
            Set<String> unchanged = unchangedSql == null ? Set.of() : unchanged(unchangedSql, account, data);
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

    private Set<String> unchanged(String sql, String account, JsonNode data) {
        int n = data.size();
        String[] ids = new String[n];
        String[] docs = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = data.get(i).path("id").asText();
            docs[i] = data.get(i).toString();
        }
        Set<String> unchanged = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", ids));
            s.setArray(2, c.createArrayOf("text", docs));
            s.setString(3, account);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    unchanged.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not compare listed objects with the stored ones: " + e.getMessage(), e);
        }
        return unchanged;
    }

    /** Runs the table's existence check until it answers yes. */
    private boolean tableExists(String sql) throws SQLException {
        if (!tablesSeen.contains(sql)) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
                 ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    tablesSeen.add(sql);
                }
            }
        }
        return tablesSeen.contains(sql);
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

    /** For tests: every account's next run is the hourly one. */
    void relistNextTime() {
        started = Instant.EPOCH;
        lastRelist.clear();
        lastSessionsRelist.clear();
    }
}
