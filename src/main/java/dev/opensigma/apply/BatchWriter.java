package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.StripeEvent;
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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Writes one batch of observations in one transaction: archive the events, file the versions at
 * their place in time, refresh the current state. Each statement handles the whole batch (arrays
 * and {@code unnest}), so a batch costs a handful of round trips whatever its size.
 */
final class BatchWriter {

    /**
     * Serializes writers (in this and other processes) that touch the same objects, and switches
     * the transaction to generic plans for the statements after it (see {@link #write(List)};
     * set here to save a round trip per batch).
     */
    static final String LOCK_OBJECTS = """
            select set_config('plan_cache_mode', 'force_generic_plan', true), pg_advisory_xact_lock(hashtextextended(k, 0))
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

    /** The newest version of each object (after removals recorded earlier were dropped again). */
    static final String NEWEST_VERSIONS = """
            select t.object_type, t.id, v.version_id, v.data::text
            from unnest(?::text[], ?::text[]) as t(object_type, id)
            cross join lateral (
                select v.version_id, v.data from object_versions v
                where v.object_type = t.object_type and v.id = t.id
                order by v.second desc, v.seq desc, v.version_id desc
                limit 1) as v""";

    /** Removals of children that no longer hold ({@link RemovedChildren}), by primary key. */
    private static final String DROP_VERSIONS = "delete from object_versions where version_id = any(?::bigint[])";

    /** One row by primary key (a rare path: a late version landing in a second that has others). */
    static final String RESEQUENCE_VERSION = "update object_versions set seq = ? where version_id = ?";

    private static final String INSERT_VERSIONS = """
            insert into object_versions (object_type, id, account, valid_from, second, seq, event_id, event_type,
                                         source, deleted, previous_attributes, data, parent_type, parent_id, api_version)
            select t.object_type, t.id, t.account, timestamptz 'epoch' + t.valid_from_us * interval '1 microsecond',
                   t.second, t.seq, t.event_id, t.event_type, t.source, t.deleted, t.previous_attributes::jsonb,
                   t.data::jsonb, t.parent_type, t.parent_id, t.api_version
            from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::text[],
                        ?::text[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 as t(object_type, id, account, valid_from_us, second, seq, event_id, event_type, source, deleted,
                      previous_attributes, data, parent_type, parent_id, api_version)
            returning version_id, object_type, id, second, seq""";

    /**
     * The search rows of the objects whose current state the refresh statements changed (they
     * return them with their text). Unchanged text is left alone, so that a status change does
     * not rewrite the text indexes.
     */
    static final String INDEX_FOR_SEARCH = """
            insert into search_documents as s (object_type, id, account, deleted, body)
            select t.object_type, t.id, t.account, t.deleted, t.body
            from unnest(?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[]) as t(object_type, id, account, deleted, body)
            order by t.object_type, t.id
            on conflict (object_type, id) do update
                set account = excluded.account, deleted = excluded.deleted, body = excluded.body
                where (s.account, s.deleted, s.body) is distinct from (excluded.account, excluded.deleted, excluded.body)""";

    /**
     * Asks for objects and child lists to be fetched again; a newer request for one that is
     * waiting replaces it.
     */
    static final String REQUEST_REFETCHES = """
            insert into refetches as r (object_type, id, account, child_list, path, reason, event_id)
            select t.object_type, t.id, coalesce(t.account, ''), t.child_list, t.path, t.reason, t.event_id
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 as t(object_type, id, account, child_list, path, reason, event_id)
            order by t.object_type, t.id, t.account, t.child_list
            on conflict (object_type, id, account, child_list) do update
                set path = coalesce(excluded.path, r.path), reason = excluded.reason, event_id = excluded.event_id,
                    requested_at = now(), attempts = 0, last_error = null""";

    private final DataSource dataSource;
    private final ObjectTables tables;
    /** The API version the current state is to be rendered in; null when nothing fetches objects again. */
    private final String pinnedApiVersion;
    private final MirroredMode mirroredMode = new MirroredMode();

    BatchWriter(DataSource dataSource, ObjectTables tables, String pinnedApiVersion) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.pinnedApiVersion = pinnedApiVersion;
    }

    /**
     * Applies the batch; outcomes come back in the batch's order. Throws if nothing was committed.
     *
     * <p>The batch's statements run as prepared statements whose parameters are arrays. PostgreSQL
     * would plan them anew on every execution (a custom plan, costed for the array's actual length,
     * always looks cheaper than the generic one), which for the per-type refresh statements cost
     * more than executing them: {@link #LOCK_OBJECTS} sets {@code plan_cache_mode} to
     * {@code force_generic_plan} for the transaction. Each statement is written so that its generic
     * plan is good (BatchWriterPlanTest).
     */
    List<Outcome> write(List<Prepared> prepared) throws SQLException {
        long t = System.nanoTime();
        ApplyTimings.batch();
        // The embedded children of each observation (by position), and each version's values, as
        // the submitting threads worked them out.
        List<Observation> batch = new ArrayList<>(prepared.size());
        List<List<Observation>> childrenOf = new ArrayList<>(prepared.size());
        List<Observation> versions = new ArrayList<>();
        Map<Observation, Prepared.Row> rows = new IdentityHashMap<>();
        for (Prepared p : prepared) {
            Observation o = p.observation();
            batch.add(o);
            List<Observation> children = p.children();
            childrenOf.add(children);
            if (o.hasVersion()) {
                versions.add(o);
                versions.addAll(children);
            }
            p.rows().forEach(row -> rows.put(row.version(), row));
        }
        tables.prepare(versions);
        t = ApplyTimings.record(ApplyTimings.Step.PREPARE, t);

        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Outcome> outcomes = write(c, batch, childrenOf, rows);
                t = System.nanoTime();
                c.commit();
                ApplyTimings.record(ApplyTimings.Step.COMMIT, t);
                return outcomes;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    private List<Outcome> write(Connection c, List<Observation> batch, List<List<Observation>> childrenOf,
                                Map<Observation, Prepared.Row> rows) throws SQLException {
        long t = System.nanoTime();
        lockObjects(c, batch, childrenOf);
        t = ApplyTimings.record(ApplyTimings.Step.LOCK, t);
        Outcome[] outcomes = new Outcome[batch.size()];
        Set<String> fresh = insertEvents(c, batch, outcomes);
        t = ApplyTimings.record(ApplyTimings.Step.EVENTS, t);

        List<Observation> filed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Observation o = batch.get(i);
            if (outcomes[i] == Outcome.DUPLICATE) {
                continue;
            }
            if (o.event() != null && !fresh.contains(o.eventId())) {
                outcomes[i] = Outcome.DUPLICATE;
            } else if (!mirroredMode.admits(c, o)) {
                outcomes[i] = Outcome.ARCHIVED_OTHER_MODE;
            } else if (o.hasVersion()) {
                outcomes[i] = Outcome.APPLIED;
                filed.add(o);
                filed.addAll(childrenOf.get(i));
            } else {
                outcomes[i] = Outcome.ARCHIVED;
            }
        }
        List<RefetchRequest> refetches = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Observation o = batch.get(i);
            StripeEvent.RelatedObject related = o.event() == null ? null : o.event().relatedObject();
            if (related != null && fresh.contains(o.eventId()) && outcomes[i] != Outcome.ARCHIVED_OTHER_MODE) {
                refetches.add(RefetchRequest.object(related.type(), related.id(), o.account(), related.url(),
                        RefetchRequest.THIN_EVENT, o.eventId()));
            }
            if (outcomes[i] == Outcome.APPLIED) {
                refetches.addAll(RefetchRequest.childListsOf(o));
                refetches.addAll(RefetchRequest.otherApiVersion(o, pinnedApiVersion));
            }
        }
        if (!filed.isEmpty()) {
            Placement placement = placeInTime(c, filed);
            refetches.addAll(placement.refetches());
            t = ApplyTimings.record(ApplyTimings.Step.PLACE, t);
            long[] versionIds = insertVersions(c, filed, placement.seqs(), rows);
            t = ApplyTimings.record(ApplyTimings.Step.VERSIONS, t);
            refreshCurrent(c, filed, versionIds, placement.stored(), rows);
            t = ApplyTimings.record(ApplyTimings.Step.CURRENT, t);
            RemovedChildren.Changes removals = RemovedChildren.find(c, filed, versionIds);
            if (!removals.isEmpty()) {
                fileRemovals(c, removals, rows);
            }
            ApplyTimings.record(ApplyTimings.Step.REMOVALS, t);
        }
        if (!refetches.isEmpty()) {
            requestRefetches(c, refetches);
        }
        return List.of(outcomes);
    }

    /**
     * Files the removals {@link RemovedChildren} found, and takes back those that no longer hold:
     * a second round of the steps above, for the children concerned.
     */
    private void fileRemovals(Connection c, RemovedChildren.Changes changes, Map<Observation, Prepared.Row> rows)
            throws SQLException {
        List<String> keys = new ArrayList<>();
        changes.added().forEach(o -> keys.add(o.objectType() + ":" + o.objectId()));
        changes.dropped().forEach(d -> keys.add(d.childType() + ":" + d.childId()));
        lock(c, keys);
        if (!changes.dropped().isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(DROP_VERSIONS)) {
                s.setArray(1, c.createArrayOf("int8", changes.dropped().stream().map(RemovedChildren.Dropped::versionId).toArray()));
                s.executeUpdate();
            }
        }
        List<Observation> added = changes.added();
        long[] versionIds = new long[0];
        List<StoredVersion> candidates = new ArrayList<>();
        if (!added.isEmpty()) {
            long generation = tables.generation();
            added.forEach(o -> rows.put(o, Prepared.row(o, tables, generation)));
            Placement placement = placeInTime(c, added);
            versionIds = insertVersions(c, added, placement.seqs(), rows);
            candidates.addAll(placement.stored());
        }
        if (!changes.dropped().isEmpty()) {
            // The refresh statement takes each candidate version once.
            Set<Long> seen = new HashSet<>();
            candidates.forEach(v -> seen.add(v.versionId()));
            for (long id : versionIds) {
                seen.add(id);
            }
            newestVersions(c, changes.dropped()).stream().filter(v -> seen.add(v.versionId()))
                    .forEach(candidates::add);
        }
        refreshCurrent(c, added, versionIds, candidates, rows);
    }

    /** The newest version of each child whose removal was dropped. */
    private List<StoredVersion> newestVersions(Connection c, List<RemovedChildren.Dropped> children) throws SQLException {
        String[] types = children.stream().map(RemovedChildren.Dropped::childType).toArray(String[]::new);
        String[] ids = children.stream().map(RemovedChildren.Dropped::childId).toArray(String[]::new);
        List<StoredVersion> newest = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(NEWEST_VERSIONS)) {
            bindArrays(c, s, "text", types, "text", ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    newest.add(new StoredVersion(rs.getString(1), rs.getString(2), rs.getLong(3), parse(rs.getString(4))));
                }
            }
        }
        return newest;
    }

    /** Serializes writers on the objects (and embedded children) the batch touches. */
    private void lockObjects(Connection c, List<Observation> batch, List<List<Observation>> childrenOf)
            throws SQLException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Observation o = batch.get(i);
            if (o.hasVersion()) {
                keys.add(o.objectType() + ":" + o.objectId());
                childrenOf.get(i).forEach(child -> keys.add(child.objectType() + ":" + child.objectId()));
            }
        }
        lock(c, keys);
    }

    /** Takes the objects' locks ("type:id"), in one order for every writer. */
    private static void lock(Connection c, List<String> keys) throws SQLException {
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
     * Where the new versions go: {@code seqs} by position in the list; {@code stored} the versions
     * already stored in the seconds they land in (re-ordered, one of them may become the newest).
     */
    private record Placement(int[] seqs, List<StoredVersion> stored, List<RefetchRequest> refetches) {
    }

    private record StoredVersion(String objectType, String id, long versionId, JsonNode data) {
    }

    /**
     * Gives each new version its position within its second. Where a second of an object already
     * holds versions, the whole second is ordered again and the stored ones re-sequenced.
     */
    private Placement placeInTime(Connection c, List<Observation> versions) throws SQLException {
        record Slot(String objectType, String id, long second) {
        }
        Map<Slot, List<VersionOrder.Candidate>> slots = new LinkedHashMap<>();
        Map<Slot, Observation> firstNew = new HashMap<>();
        Map<String, Integer> newByKey = new HashMap<>();
        for (int k = 0; k < versions.size(); k++) {
            Observation o = versions.get(k);
            VersionOrder.Candidate candidate = candidate(o);
            Slot slot = new Slot(o.objectType(), o.objectId(), o.second());
            slots.computeIfAbsent(slot, s -> new ArrayList<>()).add(candidate);
            firstNew.putIfAbsent(slot, o);
            newByKey.put(o.objectType() + ":" + o.objectId() + "|" + candidate.key(), k);
        }
        Map<String, Long> storedVersionIds = new HashMap<>();
        Map<String, Integer> storedSeqs = new HashMap<>();
        List<StoredVersion> stored = new ArrayList<>();
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
                    JsonNode data = parse(rs.getString(10));
                    VersionOrder.Candidate candidate = new VersionOrder.Candidate(key, rs.getString(2), rs.getString(7),
                            data, parse(rs.getString(11)), rs.getBoolean(9));
                    slots.get(new Slot(rs.getString(2), rs.getString(3), rs.getLong(4))).add(candidate);
                    stored.add(new StoredVersion(rs.getString(2), rs.getString(3), versionId, data));
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
        List<RefetchRequest> refetches = new ArrayList<>();
        Map<Slot, List<VersionOrder.Candidate>> orders = new HashMap<>();
        slots.forEach((slot, candidates) -> orders.put(slot, VersionOrder.order(candidates)));
        for (Map.Entry<Slot, List<VersionOrder.Candidate>> slot : slots.entrySet()) {
            Observation seen = firstNew.get(slot.getKey());
            List<VersionOrder.Candidate> ordered = orders.get(slot.getKey());
            List<VersionOrder.Candidate> parent = seen.isChild()
                    ? orders.get(new Slot(seen.parentType(), seen.parentId(), slot.getKey().second())) : null;
            if (parent != null) {
                ordered = VersionOrder.followParent(ordered, parent);
            }
            // An embedded child cannot be fetched alone; its parent's tie, if any, brings it.
            if (!seen.isChild() && VersionOrder.newestUndecided(ordered)) {
                refetches.add(RefetchRequest.object(seen.objectType(), seen.objectId(), seen.account(), null,
                        RefetchRequest.SAME_SECOND_TIE, seen.eventId()));
            }
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
        return new Placement(seqs, stored, refetches);
    }

    /** Records what to fetch again, one request per object or child list (the last one asked for wins). */
    private void requestRefetches(Connection c, List<RefetchRequest> requests) throws SQLException {
        Map<String, RefetchRequest> byObject = new LinkedHashMap<>();
        requests.forEach(r -> byObject.put(r.key(), r));
        int n = byObject.size();
        String[] type = new String[n], id = new String[n], account = new String[n], path = new String[n];
        String[] childList = new String[n], reason = new String[n], eventId = new String[n];
        int k = 0;
        for (RefetchRequest r : byObject.values()) {
            type[k] = r.objectType();
            id[k] = r.id();
            account[k] = r.account();
            childList[k] = r.childList();
            path[k] = r.path();
            reason[k] = r.reason();
            eventId[k++] = r.eventId();
        }
        try (PreparedStatement s = c.prepareStatement(REQUEST_REFETCHES)) {
            bindArrays(c, s, "text", type, "text", id, "text", account, "text", childList, "text", path,
                    "text", reason, "text", eventId);
            s.executeUpdate();
        }
    }

    /** Inserts the new versions; returns their version ids by position in the list. */
    private long[] insertVersions(Connection c, List<Observation> versions, int[] seqs,
                                  Map<Observation, Prepared.Row> rows) throws SQLException {
        int n = versions.size();
        String[] type = new String[n], id = new String[n], account = new String[n], eventId = new String[n];
        String[] eventType = new String[n], source = new String[n], previous = new String[n], data = new String[n];
        String[] parentType = new String[n], parentId = new String[n], apiVersion = new String[n];
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
            data[k] = rows.get(o).json();
            parentType[k] = o.parentType();
            parentId[k] = o.parentId();
            apiVersion[k] = o.apiVersion();
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_VERSIONS)) {
            bindArrays(c, s, "text", type, "text", id, "text", account, "int8", validFrom, "int8", second, "int4", seq,
                    "text", eventId, "text", eventType, "text", source, "bool", deleted, "text", previous, "text", data,
                    "text", parentType, "text", parentId, "text", apiVersion);
            // (object, second, seq) is unique: the position of each returned row in the list.
            Map<String, Integer> position = new HashMap<>(n * 2);
            for (int k = 0; k < n; k++) {
                position.put(type[k] + ":" + id[k] + "@" + second[k] + "." + seq[k], k);
            }
            long[] versionIds = new long[n];
            int returned = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versionIds[position.get(rs.getString(2) + ":" + rs.getString(3) + "@" + rs.getLong(4) + "." + rs.getInt(5))]
                            = rs.getLong(1);
                    returned++;
                }
            }
            if (returned != n) {
                throw new IllegalStateException("Inserted " + returned + " versions of " + n);
            }
            return versionIds;
        }
    }

    /**
     * Makes the current state of every touched object its newest version (the current state is
     * that by definition), with one statement per object type: each type's table has its own
     * typed columns, and its statement (generated in the database, V6) fills them; then the search
     * rows of the objects that changed, in one statement. The statement finds the newest version itself; the candidates
     * handed to it are every version that can have become the newest in this batch (the new ones,
     * and the stored ones of the seconds they landed in, which the tie rule may have re-ordered),
     * each with its typed values and search text read here. When the newest is none of them, it is
     * the version that was already current.
     */
    private void refreshCurrent(Connection c, List<Observation> versions, long[] versionIds, List<StoredVersion> stored,
                                Map<Observation, Prepared.Row> rows) throws SQLException {
        record Candidates(Set<String> ids, List<Long> versionIds, List<String> typed, List<String> search) {
        }
        Map<String, Candidates> byType = new TreeMap<>();
        for (int k = 0; k < versions.size(); k++) {
            Observation o = versions.get(k);
            Candidates cs = byType.computeIfAbsent(o.objectType(),
                    t -> new Candidates(new TreeSet<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            cs.ids().add(o.objectId());
            cs.versionIds().add(versionIds[k]);
            Prepared.Row row = rows.get(o);
            // Typed values read before the writer added columns lack the new ones: read again.
            cs.typed().add(row.generation() == tables.generation() ? row.typed()
                    : TypedValues.json(o.object(), tables.columnTypes(o.objectType())));
            cs.search().add(row.search());
        }
        for (StoredVersion v : stored) {
            Candidates cs = byType.computeIfAbsent(v.objectType(),
                    t -> new Candidates(new TreeSet<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            cs.ids().add(v.id());
            cs.versionIds().add(v.versionId());
            cs.typed().add(TypedValues.json(v.data(), tables.columnTypes(v.objectType())));
            cs.search().add(SearchText.of(v.data()));
        }
        List<String> changedTypes = new ArrayList<>(), changedIds = new ArrayList<>(), accounts = new ArrayList<>();
        List<Boolean> deleted = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Map.Entry<String, Candidates> type : byType.entrySet()) {
            Candidates cs = type.getValue();
            try (PreparedStatement s = c.prepareStatement(tables.refreshSql(type.getKey()))) {
                bindArrays(c, s, "text", cs.ids().toArray(new String[0]), "int8", cs.versionIds().toArray(new Long[0]),
                        "text", cs.typed().toArray(new String[0]), "text", cs.search().toArray(new String[0]));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        changedTypes.add(type.getKey());
                        changedIds.add(rs.getString(1));
                        accounts.add(rs.getString(2));
                        deleted.add(rs.getBoolean(3));
                        bodies.add(rs.getString(4));
                    }
                }
            }
        }
        if (!changedIds.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(INDEX_FOR_SEARCH)) {
                bindArrays(c, s, "text", changedTypes.toArray(new String[0]), "text", changedIds.toArray(new String[0]),
                        "text", accounts.toArray(new String[0]), "bool", deleted.toArray(new Boolean[0]),
                        "text", bodies.toArray(new String[0]));
                s.executeUpdate();
            }
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
    static void bindArrays(Connection c, PreparedStatement s, Object... typeAndValues) throws SQLException {
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
