package dev.opensigma.support;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what robustness tests promise: every acknowledged event is stored, each one that carries
 * an object left exactly one version, the current state of those objects is their newest version,
 * and their search row holds the text of that state. Returns the problems found (empty when all
 * is well), each with a few examples.
 */
public final class StoreConsistency {

    private static final int EXAMPLES = 5;

    private StoreConsistency() {
    }

    /**
     * @param acknowledged event id to whether the event carries an object (so must have a version)
     */
    public static List<String> problems(Connection c, Map<String, Boolean> acknowledged) throws SQLException {
        List<String> problems = new ArrayList<>();
        String[] ids = acknowledged.keySet().toArray(String[]::new);

        Set<String> stored = new HashSet<>(strings(c, "select id from events where id = any(?)", ids));
        List<String> missing = acknowledged.keySet().stream().filter(id -> !stored.contains(id)).sorted().toList();
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " of " + ids.length + " acknowledged events are not in events, e.g. "
                    + examples(missing));
        }

        Map<String, Long> versions = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "select v.event_id, count(*) from object_versions v join events e on e.id = v.event_id"
                        + " and e.object_type = v.object_type and e.object_id = v.id"
                        + " where v.event_id = any(?) group by v.event_id")) {
            s.setArray(1, array(c, ids));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        List<String> wrongVersions = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : acknowledged.entrySet()) {
            long expected = e.getValue() ? 1 : 0;
            long actual = versions.getOrDefault(e.getKey(), 0L);
            if (actual != expected) {
                wrongVersions.add(e.getKey() + " has " + actual + " versions, expected " + expected);
            }
        }
        wrongVersions.sort(null);
        if (!wrongVersions.isEmpty()) {
            problems.add(wrongVersions.size() + " acknowledged events have the wrong number of versions in"
                    + " object_versions, e.g. " + examples(wrongVersions));
        }

        List<String> stale = strings(c, """
                with touched as (
                    select distinct object_type, id from object_versions where event_id = any(?))
                select t.object_type || ' ' || t.id || ': current ' || coalesce(o.version_id::text, 'missing')
                       || ', newest ' || newest.version_id
                from touched t
                cross join lateral (
                    select v.version_id from object_versions v
                    where v.object_type = t.object_type and v.id = t.id
                    order by v.second desc, v.seq desc, v.version_id desc
                    limit 1) as newest
                left join objects o on o.object_type = t.object_type and o.id = t.id
                where o.version_id is distinct from newest.version_id
                order by 1""", ids);
        if (!stale.isEmpty()) {
            problems.add(stale.size() + " objects' current state (objects) is not their newest version, e.g. "
                    + examples(stale));
        }

        List<String> unsearchable = strings(c, """
                with touched as (
                    select distinct object_type, id from object_versions where event_id = any(?))
                select t.object_type || ' ' || t.id
                from touched t
                left join objects o on o.object_type = t.object_type and o.id = t.id
                left join search_documents d on d.object_type = t.object_type and d.id = t.id
                where (d.account, d.deleted, d.body) is distinct from (o.account, o.deleted, search_text(o.data))
                order by 1""", ids);
        if (!unsearchable.isEmpty()) {
            problems.add(unsearchable.size() + " objects' search row (search_documents) is not their current state, e.g. "
                    + examples(unsearchable));
        }

        List<String> clashes = strings(c, """
                select object_type || ' ' || id || ' second ' || second || ' seq ' || seq
                from object_versions
                where (object_type, id) in (select object_type, id from object_versions where event_id = any(?))
                group by object_type, id, second, seq
                having count(*) > 1
                order by 1""", ids);
        if (!clashes.isEmpty()) {
            problems.add(clashes.size() + " positions in history are held by more than one version, e.g. "
                    + examples(clashes));
        }
        return problems;
    }

    private static List<String> strings(Connection c, String sql, String[] ids) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, array(c, ids));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static Array array(Connection c, String[] ids) throws SQLException {
        return c.createArrayOf("text", ids);
    }

    private static String examples(List<String> items) {
        return String.join("; ", items.subList(0, Math.min(EXAMPLES, items.size())))
                + (items.size() > EXAMPLES ? "; ..." : "");
    }
}
