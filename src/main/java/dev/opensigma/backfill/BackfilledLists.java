package dev.opensigma.backfill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Which child lists a backfill has read in full, and when: a parent listed by a backfill has its
 * child lists read in ranges of their own right after (an invoice's lines, a Checkout Session's
 * line items), so a finished range of the parent, no older than the parent's newest backfill
 * snapshot, is a complete read that began after that snapshot.
 */
public final class BackfilledLists {

    private static final String READ_AFTER = """
            with snapshot as (
                select max(v.valid_from) as at from object_versions v
                where v.object_type = ? and v.id = ? and v.source = 'backfill')
            select exists (
                select from snapshot s, backfill_ranges r
                where s.at > ? and r.parent_id = ? and r.list_type = ? and r.account = ?
                  and r.state = 'done' and r.updated_at >= s.at)""";

    private final DataSource dataSource;

    public BackfilledLists(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Whether a backfill read the parent's list {@code field} ({@code lines}, {@code line_items})
     * in full, starting after {@code moment}.
     *
     * @param account "" for the key's own account
     */
    public boolean readAfter(String parentType, String parentId, String account, String field, Instant moment)
            throws SQLException {
        Optional<String> list = listOf(parentType, field);
        if (list.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(READ_AFTER)) {
            s.setString(1, parentType);
            s.setString(2, parentId);
            s.setTimestamp(3, Timestamp.from(moment));
            s.setString(4, parentId);
            s.setString(5, list.get());
            s.setString(6, account);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The registry's child list of a parent type's field: embedded there, or fetched by a path ending in it. */
    static Optional<String> listOf(String parentType, String field) {
        return ListableTypes.all().stream()
                .filter(t -> t.isChild() && ListableTypes.byName(t.parent().type()).objectType().equals(parentType))
                .filter(t -> field.equals(t.parent().embeddedField()) || t.path().endsWith("/" + field))
                .map(ListableType::name)
                .findFirst();
    }
}
