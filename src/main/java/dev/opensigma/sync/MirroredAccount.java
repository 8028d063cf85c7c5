package dev.opensigma.sync;

import dev.opensigma.stripe.api.AccessDeniedException;
import dev.opensigma.stripe.api.ApiKey;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stripe account, and the mode (live or test), that a schema mirrors (table {@code
 * mirrored_account}, V14). The first command to use an API key on a schema records the key's;
 * from then on a key of another account, or of the other mode, is refused before it fetches or
 * stores anything: its objects would be summed with the others in every query, its event feed
 * would start from the other's position, and its first backfill would be skipped because the
 * other's completed.
 *
 * @param accountId the account's id, or null while no key could read {@code /v1/account}
 */
public record MirroredAccount(String accountId, boolean livemode, Instant recordedAt, String recordedBy) {

    private static final Logger log = LoggerFactory.getLogger(MirroredAccount.class);

    private static final String READ = "select account_id, livemode, recorded_at, recorded_by from mirrored_account";
    private static final String RECORD = """
            insert into mirrored_account (account_id, livemode, recorded_by) values (?, ?, ?)
            on conflict (only_row) do nothing""";
    /** A restricted key could not say which account it belongs to; a later key can. */
    private static final String LEARN_ACCOUNT = "update mirrored_account set account_id = ? where account_id is null";
    /** For a schema from before V14: the mode of the newest event stored, if any. */
    private static final String NEWEST_EVENT_MODE = """
            select livemode from events where livemode is not null order by received_at desc limit 1""";

    /**
     * The id of the account the key belongs to ({@code GET /v1/account}); empty when the key may
     * not read it (a restricted key without that permission).
     */
    public static Optional<String> accountOf(StripeApi api) throws StripeApiException, InterruptedException {
        try {
            return Optional.of(api.get("/v1/account", List.of(), null).body().path("id").asText())
                    .filter(id -> !id.isEmpty());
        } catch (AccessDeniedException e) {
            if (e.status() != 403) {
                throw e; // 401: the key is wrong, which every other request would say too
            }
            log.info("The key may not read /v1/account, so only its mode (live or test) is checked against the data");
            return Optional.empty();
        }
    }

    /**
     * Records the key's account and mode if the schema mirrors none yet; otherwise checks that
     * they are the ones it mirrors.
     *
     * @param accountId the key's account ({@link #accountOf}), or null if unknown
     * @param command   the command asking, recorded with the first claim
     */
    public static MirroredAccount claim(DataSource dataSource, String schema, ApiKey key, String accountId, String command)
            throws SQLException, WrongAccountException {
        try (Connection c = dataSource.getConnection()) {
            Optional<MirroredAccount> recorded = read(c);
            if (recorded.isEmpty()) {
                Optional<Boolean> eventsMode = newestEventMode(c);
                if (eventsMode.isPresent() && eventsMode.get() != key.live()) {
                    throw new WrongAccountException(String.format("Schema %s holds %s-mode events; STRIPE_API_KEY is a"
                            + " %s-mode key (%s). %s", schema, mode(eventsMode.get()), mode(key.live()), key,
                            keepApart(schema, key.live())));
                }
                try (PreparedStatement s = c.prepareStatement(RECORD)) {
                    s.setString(1, accountId);
                    s.setBoolean(2, key.live());
                    s.setString(3, command);
                    s.executeUpdate();
                }
                recorded = read(c); // another command may have recorded first
            }
            MirroredAccount mirrored = recorded.orElseThrow();
            mirrored.check(schema, key, accountId);
            if (mirrored.accountId() == null && accountId != null) {
                try (PreparedStatement s = c.prepareStatement(LEARN_ACCOUNT)) {
                    s.setString(1, accountId);
                    s.executeUpdate();
                }
                mirrored = read(c).orElseThrow();
            }
            return mirrored;
        }
    }

    private void check(String schema, ApiKey key, String keyAccount) throws WrongAccountException {
        if (livemode != key.live()) {
            throw new WrongAccountException(String.format("Schema %s holds the %s-mode data of %s (recorded by %s on"
                    + " %s); STRIPE_API_KEY is a %s-mode key (%s). %s", schema, mode(livemode), describe(accountId),
                    recordedBy, recordedMoment(), mode(key.live()), key, keepApart(schema, key.live())));
        }
        if (accountId != null && keyAccount != null && !accountId.equals(keyAccount)) {
            throw new WrongAccountException(String.format("Schema %s holds the data of Stripe account %s (recorded by %s"
                    + " on %s); STRIPE_API_KEY (%s) belongs to %s. One schema mirrors one account and its connected"
                    + " accounts: give the other account a schema of its own (--schema or OPENSIGMA_SCHEMA, e.g."
                    + " --schema stripe_%s), or use a key of %s.", schema, accountId, recordedBy, recordedMoment(), key,
                    keyAccount, keyAccount.replace("acct_", "").toLowerCase(), accountId));
        }
    }

    private String recordedMoment() {
        return recordedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static String keepApart(String schema, boolean live) {
        return "Test and live data in one schema would be summed together by every query. Give the "
                + mode(live) + "-mode data a schema of its own (--schema " + schema + "_" + mode(live)
                + ", or OPENSIGMA_SCHEMA), or use a " + mode(!live) + "-mode key here.";
    }

    private static String mode(boolean live) {
        return live ? "live" : "test";
    }

    private static String describe(String accountId) {
        return accountId == null ? "its account" : accountId;
    }

    private static Optional<MirroredAccount> read(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(READ); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Timestamp at = rs.getTimestamp(3);
            return Optional.of(new MirroredAccount(rs.getString(1), rs.getBoolean(2), at.toInstant(), rs.getString(4)));
        }
    }

    private static Optional<Boolean> newestEventMode(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(NEWEST_EVENT_MODE); ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
        }
    }
}
