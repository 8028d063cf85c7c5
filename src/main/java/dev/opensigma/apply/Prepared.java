package dev.opensigma.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * An observation with the writer's per-object work done in advance by the thread that submits
 * it: its embedded children, and for it and each child the JSON filed in {@code object_versions},
 * the typed values and the search text. Submitting threads run side by side; the writer is one
 * thread per batch, so what it does not have to work out itself shortens every batch.
 *
 * @param rows the observation's own version first (if it has one), then its embedded children's
 */
record Prepared(Observation observation, List<Row> rows) {

    /**
     * One version's values.
     *
     * @param typed      {@link TypedValues#json} for the columns its table had at {@code generation}
     *                   of {@link ObjectTables} (worked out again if the writer adds columns first)
     */
    record Row(Observation version, String json, String typed, String search, long generation) {
    }

    /** The embedded children ({@link Observation#children()}), as worked out once. */
    List<Observation> children() {
        return rows.size() <= 1 ? List.of() : rows.subList(1, rows.size()).stream().map(Row::version).toList();
    }

    static Prepared of(Observation o, ObjectTables tables) {
        if (!o.hasVersion()) {
            return new Prepared(o, List.of());
        }
        long generation = tables.generation();
        List<Observation> children = o.children();
        List<Row> rows = new ArrayList<>(1 + children.size());
        rows.add(row(o, tables, generation));
        for (Observation child : children) {
            rows.add(row(child, tables, generation));
        }
        return new Prepared(o, rows);
    }

    /** One version's values, worked out for the columns its table has at {@code generation}. */
    static Row row(Observation o, ObjectTables tables, long generation) {
        return new Row(o, o.objectJson(), TypedValues.json(o.object(), tables.columnTypes(o.objectType())),
                SearchText.of(o.object()), generation);
    }
}
