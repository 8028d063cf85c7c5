package dev.opensigma.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import javax.sql.DataSource;

/** How far each account's event feed has been read, kept in PostgreSQL. */
public final class EventCursors {

    private static final String READ = "select event_id, event_created from event_cursors where account = ?";
    /** Only ever forward: a slower reader finishing late must not move the position back. */
    private static final String ADVANCE = """
            insert into event_cursors (account, event_id, event_created) values (?, ?, ?)
            on conflict (account) do update set event_id = excluded.event_id, event_created = excluded.event_created,
                updated_at = now()
            where event_cursors.event_created <= excluded.event_created""";

    private final DataSource dataSource;

    public EventCursors(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @param account "" for the key's own account */
    public Optional<FeedPosition> read(String account) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(READ)) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new FeedPosition(rs.getString(1), rs.getTimestamp(2).toInstant())) : Optional.empty();
            }
        }
    }

    public void advance(String account, FeedPosition position) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ADVANCE)) {
            s.setString(1, account);
            s.setString(2, position.eventId());
            s.setTimestamp(3, Timestamp.from(position.created()));
            s.executeUpdate();
        }
    }
}
