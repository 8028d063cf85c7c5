package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.InvalidEventException;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.StripeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Children that left their parent's list. Stripe sends no event when an item is taken off a
 * subscription or a line off a draft invoice: the parent's next version simply no longer lists
 * it. Without this, the child's table would keep it as current forever.
 *
 * <p>The rule, a function of the parent's versions alone (so every arrival order gives the same
 * history): in the parent's version order, when a version whose list is complete
 * ({@code has_more: false}) lacks an entry that the version just before it listed, that entry was
 * removed by that version. A deleted parent (a draft invoice deleted) lists nothing: every entry
 * its version before listed goes with it. The entry gets a version of its own there: deleted,
 * with the parent's event and time, and for data what Stripe answers for a deleted object
 * ({@code id}, {@code object}, {@code deleted: true}), since no one saw its state at that moment.
 *
 * <p>After the batch's versions are filed, the rule is worked out again around each second in
 * which a parent got a new version: that second's versions of the parent, the one before and the
 * one after. A version filed late between two others can move a removal to itself (the removal
 * then recorded at the later one is dropped again); versions elsewhere keep their pairs, and so
 * their removals.
 *
 * <p>Lists read in full on their own (the child list endpoints, past the 10 entries a parent
 * embeds) carry no parent version to pair; {@link #missingFrom} reads them instead: a child stored
 * as live under the parent since before the read started, and not in it, was removed by the time
 * the read ended, and gets its deleted version then. Likewise a version with a complete list that
 * follows one that said {@code has_more}: the children known only from such reads (past the ten
 * embedded) that it lacks are removed at it. (A list read filed after that version, from before
 * it, is not compared with it; the next read of the list settles it.)
 */
final class RemovedChildren {

    /** A list whose entries exist only while listed. */
    record ChildList(String field, String childType) {
    }

    /** Parent object type → its embedded list. Other embedded lists never lose entries. */
    private static final Map<String, ChildList> LISTS = Map.of(
            "invoice", new ChildList("lines", "line_item"),
            "subscription", new ChildList("items", "subscription_item"),
            "credit_note", new ChildList("lines", "credit_note_line_item"));

    /**
     * Parent object type → a list it never embeds whose entries exist only while listed: only
     * reads of the list ({@link #missingFrom}) tell their removals (a line taken off a draft
     * quote). A Checkout Session's line items never change, so its reads are not compared.
     */
    private static final Map<String, ChildList> READ_LISTS = Map.of(
            "quote", new ChildList("line_items", "item"),
            "payment_link", new ChildList("line_items", "item"));

    /**
     * For each parent and second: the parent's versions in that second, the one before it and the
     * one after it, each with its list's entry ids (null without a list; none for a deleted parent)
     * and whether it is complete.
     */
    static final String PARENT_VERSIONS_AROUND = """
            select w.parent_type, w.parent_id, w.second, v.edge, v.version_id, v.second, v.seq, v.valid_from,
                   v.event_id, v.source, v.account, v.api_version,
                   v.deleted or coalesce(v.list -> 'has_more' = 'false'::jsonb, false),
                   case when v.deleted then '[]'
                        when jsonb_typeof(v.list -> 'data') = 'array'
                        then jsonb_path_query_array(v.list, '$.data[*].id')::text end
            from unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) as w(parent_type, parent_id, field, second)
            cross join lateral (
                (select 'before' as edge, v.version_id, v.second, v.seq, v.valid_from, v.event_id, v.source, v.account,
                        v.api_version, v.deleted, v.data -> w.field as list
                 from object_versions v
                 where v.object_type = w.parent_type and v.id = w.parent_id and v.second < w.second
                 order by v.second desc, v.seq desc, v.version_id desc
                 limit 1)
                union all
                (select 'in', v.version_id, v.second, v.seq, v.valid_from, v.event_id, v.source, v.account,
                        v.api_version, v.deleted, v.data -> w.field
                 from object_versions v
                 where v.object_type = w.parent_type and v.id = w.parent_id and v.second = w.second)
                union all
                (select 'after', v.version_id, v.second, v.seq, v.valid_from, v.event_id, v.source, v.account,
                        v.api_version, v.deleted, v.data -> w.field
                 from object_versions v
                 where v.object_type = w.parent_type and v.id = w.parent_id and v.second > w.second
                 order by v.second, v.seq, v.version_id
                 limit 1)) as v""";

    /** The removals already recorded for these children of these parents. */
    static final String RECORDED_REMOVALS = """
            select t.object_type, t.id, t.parent_type, t.parent_id, v.version_id, v.event_id, v.valid_from
            from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as t(object_type, id, parent_type, parent_id)
            cross join lateral (
                select v.version_id, v.event_id, v.valid_from from object_versions v
                where v.object_type = t.object_type and v.id = t.id and v.deleted
                  and v.parent_type = t.parent_type and v.parent_id = t.parent_id
                offset 0) as v""";

    private static final String EVENTS = "select id, raw from events where id = any(?::text[])";

    /**
     * The children of one type that a parent holds as live, current since before a moment (V13,
     * by the child table's parent index).
     */
    static final String LIVE_CHILDREN_SINCE_BEFORE = "select id from live_children(?, ?, ?, ?, ?)";

    /**
     * How far Stripe's clock and ours may differ, and its whole seconds round: a child whose
     * newest version is this much older than the read's start existed before the read began, so
     * the read would have listed it had it still been there.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(2);

    /**
     * A list read's removals are dated this long after its last answer. Stripe dates its answers
     * in whole seconds, so a snapshot of the parent can carry the very moment the read ended, and
     * a removal at the moment of a parent version is one that {@link #find} decides, and takes
     * back when that version's pair no longer asks for it: a read's removal must not be taken for one.
     */
    static final Duration LIST_READ_OFFSET = Duration.of(1, ChronoUnit.MICROS);

    /** A removal at a parent version ({@link #at}). */
    private record Removal(String childType, String childId, String parentType, String parentId, String at) {
    }

    /** A child as some list of its parent held it. */
    private record Child(String type, String id, String parentType, String parentId) {
    }

    /** The parent's list {@code field} if its entries exist only while listed; else null. */
    static ChildList removing(String parentType, String field) {
        ChildList list = LISTS.getOrDefault(parentType, READ_LISTS.get(parentType));
        return list != null && list.field().equals(field) ? list : null;
    }

    /** True for an embedded list whose entries exist only while listed (an invoice's lines). */
    static boolean embeddedRemoving(String parentType, String field) {
        return LISTS.containsKey(parentType) && removing(parentType, field) != null;
    }

    /**
     * The children that a complete read of their parent's list no longer holds, each as its
     * deleted version at the end of the read (Stripe's stub for a deleted object, as above).
     * Children with a version from after the read began are left alone: the read may have passed
     * their place before they were added. Lists whose entries outlive them (a customer's payment
     * methods, detached but not deleted) have none.
     */
    static List<Observation> missingFrom(Connection c, ListRead read) throws SQLException {
        ChildList list = removing(read.parentType(), read.field());
        if (list == null) {
            return List.of();
        }
        List<Observation> removals = new ArrayList<>();
        for (String id : liveChildren(c, list.childType(), read.parentType(), read.parentId(), read.account(),
                read.startedAt().minus(CLOCK_MARGIN))) {
            if (!read.listed().contains(id)) {
                removals.add(new Observation(read.source(), null, stub(list.childType(), id), list.childType(), id,
                        read.account(), read.endedAt().plus(LIST_READ_OFFSET), true, read.parentType(),
                        read.parentId(), read.apiVersion()));
            }
        }
        return removals;
    }

    /** The children of one type that a parent holds as live, current since before {@code before}. */
    private static List<String> liveChildren(Connection c, String childType, String parentType, String parentId,
                                             String account, Instant before) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(LIVE_CHILDREN_SINCE_BEFORE)) {
            s.setString(1, childType);
            s.setString(2, parentType);
            s.setString(3, parentId);
            s.setString(4, account);
            s.setTimestamp(5, Timestamp.from(before));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** What Stripe answers for a deleted object; no one saw the child's state when it went. */
    private static ObjectNode stub(String type, String id) {
        return Json.MAPPER.createObjectNode().put("id", id).put("object", type).put("deleted", true);
    }

    /** What names a version among its object's: its event, or for a snapshot its moment. */
    private static String at(String eventId, Instant validFrom) {
        return eventId != null ? "event:" + eventId : "snapshot:" + ChronoUnit.MICROS.between(Instant.EPOCH, validFrom);
    }

    /** One version of a parent, with its list. */
    private record ParentVersion(String parentType, String parentId, String edge, long versionId, long second, int seq,
                                 Instant validFrom, String eventId, String source, String account, String apiVersion,
                                 boolean complete, List<String> ids) {

        String at() {
            return RemovedChildren.at(eventId, validFrom);
        }

        /** The key of this version in the versions whose removals are decided. */
        String key() {
            return parentType + ":" + parentId + "|" + at();
        }
    }

    /**
     * What the rule asks of the store after a batch: children's removals to file ({@code added},
     * as observations) and removals recorded before that no longer hold ({@code dropped}).
     */
    record Changes(List<Observation> added, List<Dropped> dropped) {
        boolean isEmpty() {
            return added.isEmpty() && dropped.isEmpty();
        }
    }

    /** A recorded removal to take back: its version, and the child it belongs to. */
    record Dropped(long versionId, String childType, String childId) {
    }

    private RemovedChildren() {
    }

    /**
     * Works the rule out around the parents' versions just filed. {@code filed} are the batch's
     * new versions (already in the database) and {@code versionIds} their version ids.
     */
    static Changes find(Connection c, List<Observation> filed, long[] versionIds) throws SQLException {
        record Touched(String type, String id, String field, long second) {
        }
        Set<Touched> touched = new LinkedHashSet<>();
        Map<String, StripeEvent> batchEvents = new HashMap<>();
        for (Observation o : filed) {
            ChildList list = LISTS.get(o.objectType());
            if (list != null && !o.isChild()) {
                touched.add(new Touched(o.objectType(), o.objectId(), list.field(), o.second()));
                if (o.event() != null) {
                    batchEvents.put(o.eventId(), o.event());
                }
            }
        }
        if (touched.isEmpty()) {
            return new Changes(List.of(), List.of());
        }
        Set<Long> newVersionIds = new HashSet<>(versionIds.length * 2);
        for (long id : versionIds) {
            newVersionIds.add(id);
        }
        // Each window in the parent's version order; a window's versions after its first have their
        // predecessor in it, so their removals are decided here.
        Map<String, List<ParentVersion>> windows = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(PARENT_VERSIONS_AROUND)) {
            BatchWriter.bindArrays(c, s, "text", touched.stream().map(Touched::type).toArray(String[]::new),
                    "text", touched.stream().map(Touched::id).toArray(String[]::new),
                    "text", touched.stream().map(Touched::field).toArray(String[]::new),
                    "int8", touched.stream().map(Touched::second).toArray(Long[]::new));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String window = rs.getString(1) + ":" + rs.getString(2) + "@" + rs.getLong(3);
                    windows.computeIfAbsent(window, w -> new ArrayList<>()).add(new ParentVersion(
                            rs.getString(1), rs.getString(2), rs.getString(4), rs.getLong(5), rs.getLong(6),
                            rs.getInt(7), rs.getTimestamp(8).toInstant(), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getString(12), rs.getBoolean(13), ids(rs.getString(14))));
                }
            }
        }
        record ListedAfterPartial(ParentVersion version, String childType, List<String> previousIds) {
        }
        List<ListedAfterPartial> pastTheEmbedded = new ArrayList<>();
        Map<Removal, ParentVersion> wanted = new LinkedHashMap<>();
        Map<String, ParentVersion> decided = new HashMap<>(); // at() of the versions whose removals are decided here
        Set<Child> listed = new LinkedHashSet<>();
        boolean storedVersionDecided = false;
        for (List<ParentVersion> window : windows.values()) {
            window.sort(Comparator.comparingLong(ParentVersion::second).thenComparingInt(ParentVersion::seq)
                    .thenComparingLong(ParentVersion::versionId));
            String childType = LISTS.get(window.getFirst().parentType()).childType();
            for (int i = 0; i < window.size(); i++) {
                ParentVersion v = window.get(i);
                if (v.ids() != null) {
                    v.ids().forEach(id -> listed.add(new Child(childType, id, v.parentType(), v.parentId())));
                }
                if (v.edge().equals("before")) {
                    continue;
                }
                decided.put(v.key(), v);
                storedVersionDecided |= !newVersionIds.contains(v.versionId());
                ParentVersion previous = i == 0 ? null : window.get(i - 1);
                if (previous == null || previous.ids() == null || v.ids() == null || !v.complete()) {
                    continue;
                }
                Set<String> still = new HashSet<>(v.ids());
                for (String id : previous.ids()) {
                    if (!still.contains(id)) {
                        wanted.put(new Removal(childType, id, v.parentType(), v.parentId(), v.at()), v);
                    }
                }
                if (!previous.complete()) {
                    pastTheEmbedded.add(new ListedAfterPartial(v, childType, previous.ids()));
                }
            }
        }
        // A complete list after a partial one: the children known only from a list read (past the
        // ten the partial one embedded) are compared too, like a list read at that version.
        for (ListedAfterPartial p : pastTheEmbedded) {
            ParentVersion v = p.version();
            for (String id : liveChildren(c, p.childType(), v.parentType(), v.parentId(), v.account(),
                    v.validFrom().minus(CLOCK_MARGIN))) {
                if (!v.ids().contains(id) && !p.previousIds().contains(id)) {
                    wanted.put(new Removal(p.childType(), id, v.parentType(), v.parentId(), v.at()), v);
                }
            }
        }
        // Removals recorded at the decided versions (only a version filed before this batch can have any).
        Map<Removal, Long> recorded = new LinkedHashMap<>();
        if (storedVersionDecided && !listed.isEmpty()) {
            recorded = recorded(c, listed, decided);
        }
        List<Observation> added = new ArrayList<>();
        Set<String> missingEvents = new HashSet<>();
        wanted.forEach((removal, at) -> {
            if (at.eventId() != null && !batchEvents.containsKey(at.eventId())) {
                missingEvents.add(at.eventId());
            }
        });
        batchEvents.putAll(events(c, missingEvents));
        for (Map.Entry<Removal, ParentVersion> w : wanted.entrySet()) {
            if (!recorded.containsKey(w.getKey())) {
                added.add(removal(w.getKey(), w.getValue(), batchEvents));
            }
        }
        List<Dropped> dropped = new ArrayList<>();
        recorded.forEach((removal, versionId) -> {
            if (!wanted.containsKey(removal)) {
                dropped.add(new Dropped(versionId, removal.childType(), removal.childId()));
            }
        });
        return new Changes(added, dropped);
    }

    /** The removals recorded at the decided versions, for the children any of their lists held. */
    private static Map<Removal, Long> recorded(Connection c, Set<Child> listed, Map<String, ParentVersion> decided)
            throws SQLException {
        Map<Removal, Long> recorded = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(RECORDED_REMOVALS)) {
            BatchWriter.bindArrays(c, s, "text", listed.stream().map(Child::type).toArray(String[]::new),
                    "text", listed.stream().map(Child::id).toArray(String[]::new),
                    "text", listed.stream().map(Child::parentType).toArray(String[]::new),
                    "text", listed.stream().map(Child::parentId).toArray(String[]::new));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String at = at(rs.getString(6), rs.getTimestamp(7).toInstant());
                    if (decided.containsKey(rs.getString(3) + ":" + rs.getString(4) + "|" + at)) {
                        recorded.put(new Removal(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), at),
                                rs.getLong(5));
                    }
                }
            }
        }
        return recorded;
    }

    private static Map<String, StripeEvent> events(Connection c, Set<String> ids) throws SQLException {
        Map<String, StripeEvent> events = new HashMap<>();
        if (ids.isEmpty()) {
            return events;
        }
        try (PreparedStatement s = c.prepareStatement(EVENTS)) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    try {
                        events.put(rs.getString(1), StripeEvent.parse(rs.getString(2)));
                    } catch (InvalidEventException e) {
                        throw new IllegalStateException("Stored event " + rs.getString(1) + " no longer reads: " + e.getMessage(), e);
                    }
                }
            }
        }
        return events;
    }

    /** The child's version at the parent version that no longer lists it. */
    private static Observation removal(Removal r, ParentVersion at, Map<String, StripeEvent> events) {
        ObjectNode stub = stub(r.childType(), r.childId());
        StripeEvent event = at.eventId() == null ? null : events.get(at.eventId());
        if (at.eventId() != null && event == null) {
            throw new IllegalStateException("Event " + at.eventId() + " of " + r.parentType() + " " + r.parentId()
                    + " has a version but is not stored");
        }
        return new Observation(Source.valueOf(at.source().toUpperCase(Locale.ROOT)), event, stub, r.childType(),
                r.childId(), at.account(), at.validFrom(), true, r.parentType(), r.parentId(), at.apiVersion());
    }

    private static List<String> ids(String json) {
        if (json == null) {
            return null;
        }
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode id : Json.MAPPER.readTree(json)) {
                if (id.isTextual()) {
                    ids.add(id.asText());
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
