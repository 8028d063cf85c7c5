package dev.opensigma.sim;

import java.util.Map;

/**
 * What every story may read but not change: the accounts, each account's catalogue, the
 * platform's Connect application id, and the clock ({@code start} of history, {@code now}, and
 * {@code windowStart}, 30 days before now, from when changes leave events).
 */
record World(Accounts accounts, Map<String, Catalog> catalogs, String applicationId, long start, long now, long windowStart) {

    static final long DAY = 86_400;
    static final long EVENT_RETENTION = 30 * DAY;
    static final long HISTORY = 730 * DAY;

    /**
     * Where ids and calendars take their time from: a fixed virtual date plus the time since the
     * start of history, so the same seed gives the same ids and periods whenever it runs.
     */
    static final long VIRTUAL_START = 1_640_995_200L; // 2022-01-01

    long virtual(long t) {
        return t - start + VIRTUAL_START;
    }

    /** The start of the next billing period: calendar months or years (on the virtual calendar). */
    long nextPeriod(long t, String interval) {
        var at = java.time.Instant.ofEpochSecond(virtual(t)).atOffset(java.time.ZoneOffset.UTC);
        long next = ("year".equals(interval) ? at.plusYears(1) : at.plusMonths(1)).toEpochSecond();
        return t + (next - virtual(t));
    }

    /** Midnight (of the virtual calendar) {@code days} days after {@code t}: when funds become available. */
    long midnightAfter(long t, int days) {
        return t - Math.floorMod(virtual(t), DAY) + days * DAY;
    }

    /** The same world with the clock at {@code now} (for changes made while running). */
    World at(long now) {
        return new World(accounts, catalogs, applicationId, start, now, now - EVENT_RETENTION);
    }

    Catalog catalog(String account) {
        return catalogs.get(account);
    }

    String accountName(Account account) {
        return account.platform() ? "OpenSigma Demo, Inc." : "Connected Shop " + account.index();
    }

    String currency(Account account) {
        return account.platform() || account.index() % 2 == 0 ? "usd" : "eur";
    }
}
