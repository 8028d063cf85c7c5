package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Writes one batch of observations in one transaction: archive the events, file the versions at
 * their place in time, refresh the current state. Each statement handles the whole batch (arrays
 * and {@code unnest}), so a batch costs a handful of round trips whatever its size.
 */
final class BatchWriter {

    /** Serializes writers (in this and other processes) that touch the same objects. */
    private static final String LOCK_OBJECTS = """
            select pg_advisory_xact_lock(hashtextextended(k, 0))
            from (select distinct k from unnest(?::text[]) as k order by k) as keys""";

    private static final String INSERT_EVENTS = """
            insert into events (id, type, created, api_version, livemode, account, object_type, object_id, source, raw)
            select t.id, t.type, to_timestamp(t.created), t.api_version, t.livemode, t.account,
                   t.object_type, t.object_id, t.source, t.raw
            from unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::boolean[], ?::text[],
                        ?::text[], ?::text[], ?::text[], ?::text[])
                 as t(id, type, created, api_version, livemode, account, object_type, object_id, source, raw)
            order by t.id
            on conflict (id) do nothing
            returning id""";

    /*
     * The statements below run as server-side prepared statements, whose generic plan PostgreSQL
     * may make once, while the tables are still empty, and keep. A join written plainly then stays
     * a hash join over a sequential scan of object_versions, and every batch reads the whole table
     * (measured: 5 ms per batch at 12,000 versions, growing with the table). Each is written so that
     * even that plan must go through an index: a LATERAL subquery kept apart by OFFSET 0 (so it is
     * not flattened into a plain join), or an "= any" on the primary key. BatchWriterPlanTest holds
     * them to it (hence package-private).
     */

    static final String SAME_SECOND_VERSIONS = """
            select v.version_id, v.object_type, v.id, v.second, v.seq, v.event_id, v.event_type,
                   v.valid_from, v.deleted, v.data::text, v.previous_attributes::text
            from unnest(?::text[], ?::text[], ?::bigint[]) as t(object_type, id, second)
            cross join lateral (
                select * from object_versions v
                where v.object_type = t.object_type and v.id = t.id and v.second = t.second
                offset 0) as v""";

    /** One row by primary key (a rare path: a late version landing in a second that has others). */
    static final String RESEQUENCE_VERSION = "update object_versions set seq = ? where version_id = ?";

    private static final String INSERT_VERSIONS = """
            insert into object_versions (object_type, id, account, valid_from, second, seq, event_id, event_type,
                                         source, deleted, previous_attributes, data, parent_type, parent_id)
            select t.object_type, t.id, t.account, timestamptz 'epoch' + t.valid_from_us * interval '1 microsecond',
                   t.second, t.seq, t.event_id, t.event_type, t.source, t.deleted, t.previous_attributes::jsonb,
                   t.data::jsonb, t.parent_type, t.parent_id
            from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::text[],
                        ?::text[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[])
                 as t(object_type, id, account, valid_from_us, second, seq, event_id, event_type, source, deleted,
                      previous_attributes, data, parent_type, parent_id)""";

    /**
     * The search row of each touched object, from its current state: the newest version (the
     * row refreshCurrent just made current, in the same order as the refresh statements).
     * Unchanged rows are left alone, so a status change does not rewrite the text indexes.
     */
    static final String INDEX_FOR_SEARCH = """
            insert into search_documents as s (object_type, id, account, deleted, body)
            select v.object_type, v.id, v.account, v.deleted, search_text(v.data)
            from (select distinct object_type, id from unnest(?::text[], ?::text[]) as k(object_type, id)) as k
            cross join lateral (
                select v.object_type, v.id, v.account, v.deleted, v.data || '{}'::jsonb as data from object_versions v
                where v.object_type = k.object_type and v.id = k.id
                order by v.second desc, v.seq desc, v.version_id desc
                limit 1) as v
            order by v.object_type, v.id
            on conflict (object_type, id) do update
                set account = excluded.account, deleted = excluded.deleted, body = excluded.body
                where (s.account, s.deleted, s.body) is distinct from (excluded.account, excluded.deleted, excluded.body)""";

    private final DataSource dataSource;
    private final ObjectTables tables;

    BatchWriter(DataSource dataSource, ObjectTables tables) {
        this.dataSource = dataSource;
        this.tables = tables;
    }

    /** Applies the batch; outcomes come back in the batch's order. Throws if nothing was committed. */
    List<Outcome> write(List<Observation> batch) throws SQLException {
        tables.prepare(batch);

        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Outcome> outcomes = write(c, batch);
                c.commit();
                return outcomes;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    private List<Outcome> write(Connection c, List<Observation> batch) throws SQLException {
        lockObjects(c, batch);
        Outcome[] outcomes = new Outcome[batch.size()];
        Set<String> fresh = insertEvents(c, batch, outcomes);

        List<Observation> filed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Observation o = batch.get(i);
            if (outcomes[i] == Outcome.DUPLICATE) {
                continue;
            }
            if (o.event() != null && !fresh.contains(o.eventId())) {
                outcomes[i] = Outcome.DUPLICATE;
            } else if (o.hasVersion()) {
                outcomes[i] = Outcome.APPLIED;
                filed.add(o);
                filed.addAll(o.children());
            } else {
                outcomes[i] = Outcome.ARCHIVED;
            }
        }
        if (!filed.isEmpty()) {
            int[] seqs = placeInTime(c, filed);
            insertVersions(c, filed, seqs);
            refreshCurrent(c, filed);
            indexForSearch(c, filed);
        }
        return List.of(outcomes);
    }

    /** Serializes writers on the objects (and embedded children) the batch touches. */
    private void lockObjects(Connection c, List<Observation> batch) throws SQLException {
        List<String> keys = new ArrayList<>();
        for (Observation o : batch) {
            if (o.hasVersion()) {
                keys.add(o.objectType() + ":" + o.objectId());
                o.children().forEach(child -> keys.add(child.objectType() + ":" + child.objectId()));
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(LOCK_OBJECTS)) {
            s.setArray(1, c.createArrayOf("text", keys.toArray()));
            s.execute();
        }
    }

    /** Inserts the events not stored yet; returns their ids. Repeats within the batch become duplicates. */
    private Set<String> insertEvents(Connection c, List<Observation> batch, Outcome[] outcomes) throws SQLException {
        Set<String> seen = new HashSet<>();
        List<Observation> events = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Observation o = batch.get(i);
            if (o.event() == null) {
                continue;
            }
            if (!seen.add(o.eventId())) {
                outcomes[i] = Outcome.DUPLICATE;
            } else {
                events.add(o);
            }
        }
        Set<String> inserted = new HashSet<>();
        if (events.isEmpty()) {
            return inserted;
        }
        int n = events.size();
        String[] id = new String[n], type = new String[n], apiVersion = new String[n], account = new String[n];
        String[] objectType = new String[n], objectId = new String[n], source = new String[n], raw = new String[n];
        Long[] created = new Long[n];
        Boolean[] livemode = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Observation o = events.get(i);
            id[i] = o.eventId();
            type[i] = o.eventType();
            created[i] = o.event().created();
            apiVersion[i] = o.event().apiVersion();
            livemode[i] = o.event().livemode();
            account[i] = o.account();
            objectType[i] = o.event().objectType();
            objectId[i] = o.event().objectId();
            source[i] = o.source().label();
            raw[i] = o.event().raw();
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_EVENTS)) {
            bindArrays(c, s, "text", id, "text", type, "int8", created, "text", apiVersion, "bool", livemode,
                    "text", account, "text", objectType, "text", objectId, "text", source, "text", raw);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /**
     * Gives each new version its position within its second. Where a second of an object already
     * holds versions, the whole second is ordered again and the stored ones re-sequenced.
     */
    private int[] placeInTime(Connection c, List<Observation> versions) throws SQLException {
        record Slot(String objectType, String id, long second) {
        }
        Map<Slot, List<VersionOrder.Candidate>> slots = new LinkedHashMap<>();
        Map<String, Integer> newByKey = new HashMap<>();
        for (int k = 0; k < versions.size(); k++) {
            Observation o = versions.get(k);
            VersionOrder.Candidate candidate = candidate(o);
            slots.computeIfAbsent(new Slot(o.objectType(), o.objectId(), o.second()), s -> new ArrayList<>()).add(candidate);
            newByKey.put(o.objectType() + ":" + o.objectId() + "|" + candidate.key(), k);
        }
        Map<String, Long> storedVersionIds = new HashMap<>();
        Map<String, Integer> storedSeqs = new HashMap<>();
        int n = slots.size();
        String[] types = new String[n], ids = new String[n];
        Long[] seconds = new Long[n];
        int i = 0;
        for (Slot slot : slots.keySet()) {
            types[i] = slot.objectType();
            ids[i] = slot.id();
            seconds[i++] = slot.second();
        }
        try (PreparedStatement s = c.prepareStatement(SAME_SECOND_VERSIONS)) {
            bindArrays(c, s, "text", types, "text", ids, "int8", seconds);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long versionId = rs.getLong(1);
                    String eventId = rs.getString(6);
                    String key = eventId != null ? eventId : snapshotKey(rs.getTimestamp(8).toInstant());
                    VersionOrder.Candidate stored = new VersionOrder.Candidate(key, rs.getString(2), rs.getString(7),
                            parse(rs.getString(10)), parse(rs.getString(11)), rs.getBoolean(9));
                    slots.get(new Slot(rs.getString(2), rs.getString(3), rs.getLong(4))).add(stored);
                    String objectKey = rs.getString(2) + ":" + rs.getString(3) + "|" + key;
                    storedVersionIds.put(objectKey, versionId);
                    storedSeqs.put(objectKey, rs.getInt(5));
                }
            }
        }
        int[] seqs = new int[versions.size()];
        List<Long> moveIds = new ArrayList<>();
        List<Integer> moveSeqs = new ArrayList<>();
        // Keys are unique within one object's versions only (an event files its object and its
        // embedded children under the same event id), so lookups go by object and key.
        for (Map.Entry<Slot, List<VersionOrder.Candidate>> slot : slots.entrySet()) {
            List<VersionOrder.Candidate> ordered = VersionOrder.order(slot.getValue());
            for (int seq = 0; seq < ordered.size(); seq++) {
                String key = slot.getKey().objectType() + ":" + slot.getKey().id() + "|" + ordered.get(seq).key();
                Integer fresh = newByKey.get(key);
                if (fresh != null) {
                    seqs[fresh] = seq;
                } else if (storedSeqs.get(key) != seq) {
                    moveIds.add(storedVersionIds.get(key));
                    moveSeqs.add(seq);
                }
            }
        }
        if (!moveIds.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(RESEQUENCE_VERSION)) {
                for (int m = 0; m < moveIds.size(); m++) {
                    s.setInt(1, moveSeqs.get(m));
                    s.setLong(2, moveIds.get(m));
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        return seqs;
    }

    private void insertVersions(Connection c, List<Observation> versions, int[] seqs) throws SQLException {
        int n = versions.size();
        String[] type = new String[n], id = new String[n], account = new String[n], eventId = new String[n];
        String[] eventType = new String[n], source = new String[n], previous = new String[n], data = new String[n];
        String[] parentType = new String[n], parentId = new String[n];
        Long[] validFrom = new Long[n], second = new Long[n];
        Integer[] seq = new Integer[n];
        Boolean[] deleted = new Boolean[n];
        for (int k = 0; k < n; k++) {
            Observation o = versions.get(k);
            type[k] = o.objectType();
            id[k] = o.objectId();
            account[k] = o.account();
            validFrom[k] = ChronoUnit.MICROS.between(Instant.EPOCH, o.validFrom());
            second[k] = o.second();
            seq[k] = seqs[k];
            eventId[k] = o.eventId();
            eventType[k] = o.eventType();
            source[k] = o.source().label();
            deleted[k] = o.deleted();
            previous[k] = Observation.toJson(o.previousAttributes());
            data[k] = o.objectJson();
            parentType[k] = o.parentType();
            parentId[k] = o.parentId();
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_VERSIONS)) {
            bindArrays(c, s, "text", type, "text", id, "text", account, "int8", validFrom, "int8", second, "int4", seq,
                    "text", eventId, "text", eventType, "text", source, "bool", deleted, "text", previous, "text", data,
                    "text", parentType, "text", parentId);
            s.executeUpdate();
        }
    }

    /**
     * Makes the current state of every touched object its newest version (the current state is
     * that by definition), with one statement per object type: each type's table has its own
     * typed columns, and its statement (generated in the database from the type's fields) fills them.
     */
    private void refreshCurrent(Connection c, List<Observation> versions) throws SQLException {
        Map<String, Set<String>> idsByType = new java.util.TreeMap<>();
        for (Observation o : versions) {
            idsByType.computeIfAbsent(o.objectType(), t -> new TreeSet<>()).add(o.objectId());
        }
        for (Map.Entry<String, Set<String>> type : idsByType.entrySet()) {
            try (PreparedStatement s = c.prepareStatement(tables.refreshSql(type.getKey()))) {
                s.setArray(1, c.createArrayOf("text", type.getValue().toArray()));
                s.executeUpdate();
            }
        }
    }

    /** Keeps search_documents (search()) in step with the current state of the touched objects. */
    private static void indexForSearch(Connection c, List<Observation> versions) throws SQLException {
        String[] types = new String[versions.size()], ids = new String[versions.size()];
        for (int k = 0; k < versions.size(); k++) {
            types[k] = versions.get(k).objectType();
            ids[k] = versions.get(k).objectId();
        }
        try (PreparedStatement s = c.prepareStatement(INDEX_FOR_SEARCH)) {
            bindArrays(c, s, "text", types, "text", ids);
            s.executeUpdate();
        }
    }

    private static VersionOrder.Candidate candidate(Observation o) {
        String key = o.eventId() != null ? o.eventId() : snapshotKey(o.validFrom());
        return new VersionOrder.Candidate(key, o.objectType(), o.eventType(), o.object(), o.previousAttributes(),
                o.deleted());
    }

    /** Snapshots have no event id; their fetch time orders them among themselves. */
    private static String snapshotKey(Instant observedAt) {
        return "~snapshot@" + observedAt;
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds arrays in order: pairs of (PostgreSQL element type, Java array). */
    private static void bindArrays(Connection c, PreparedStatement s, Object... typeAndValues) throws SQLException {
        for (int i = 0; i < typeAndValues.length; i += 2) {
            Array array = c.createArrayOf((String) typeAndValues[i], (Object[]) typeAndValues[i + 1]);
            s.setArray(i / 2 + 1, array);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will discard it
        }
    }
}
