package dev.opensigma.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an event's object may be filed in this schema, by its mode. One schema mirrors one
 * account in one mode ({@code mirrored_account}, recorded by the first command that used an API
 * key); a live Connect endpoint also receives the test-mode events of connected accounts, and a
 * webhook endpoint or an export of the other mode may be pointed at the wrong schema. Such an
 * event is archived like every other (nothing received is lost) but its object is not filed, so
 * that test charges never add up with live ones. Before any key has recorded a mode, and for an
 * event that does not say its mode, everything is filed. Events read from {@code /v1/events}
 * (polling, a backfill's replay) come from the key's own feed, of the key's mode: not checked.
 *
 * <p>The mode is read on the writer's own connection, again after {@link #REREAD_NANOS}: a
 * {@code backfill} run beside {@code serve} may record it while serve runs.
 */
final class MirroredMode {

    private static final Logger log = LoggerFactory.getLogger(MirroredMode.class);
    private static final String READ = "select livemode from mirrored_account";
    private static final long REREAD_NANOS = 5_000_000_000L;
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    /** The mode read last (null: none recorded), and when. */
    private record Read(Boolean livemode, long atNanos) {
    }

    private volatile Read read;
    private volatile long warnedAtNanos = System.nanoTime() - WARN_EVERY_NANOS;

    /** True unless the event says a mode and it is not the one this schema mirrors. */
    boolean admits(Connection c, Observation o) throws SQLException {
        Boolean eventMode = o.event() == null ? null : o.event().livemode();
        if (eventMode == null || !(o.source() == Source.WEBHOOK || o.source() == Source.DIRECT
                || o.source() == Source.IMPORT)) {
            return true;
        }
        Boolean mirrored = mirrored(c);
        if (mirrored == null || mirrored.equals(eventMode)) {
            return true;
        }
        long now = System.nanoTime();
        if (now - warnedAtNanos >= WARN_EVERY_NANOS) {
            warnedAtNanos = now;
            log.warn("Event {} ({}{}) is a {}-mode event; this schema mirrors {} data. It is archived in 'events' but"
                            + " its object is not filed (a live Connect endpoint also receives connected accounts' test"
                            + " events). To mirror the other mode, use another schema (--schema). Said at most once a minute.",
                    o.eventId(), o.eventType(), o.account() == null ? "" : ", account " + o.account(),
                    mode(eventMode), mode(mirrored));
        }
        return false;
    }

    private Boolean mirrored(Connection c) throws SQLException {
        Read last = read;
        long now = System.nanoTime();
        if (last == null || now - last.atNanos() >= REREAD_NANOS) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(READ)) {
                last = new Read(rs.next() ? rs.getBoolean(1) : null, now);
            }
            read = last;
        }
        return last.livemode();
    }

    private static String mode(boolean livemode) {
        return livemode ? "live" : "test";
    }
}
