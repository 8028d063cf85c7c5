package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.schema.ColumnType;
import dev.opensigma.schema.Field;
import dev.opensigma.schema.StripeModelFields;
import dev.opensigma.stripe.ObjectTypes;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Keeps each object type's table in line with its fields before versions of it are written:
 * creates the table on first sight (with a typed column per field stripe-java knows), and adds
 * a column when data brings a top-level field nobody knew. DDL runs in short transactions of its
 * own, outside the batch transaction.
 */
final class ObjectTables {

    private static final String KNOWN_TYPES = "select object_type, refresh_sql from object_types";
    private static final String KNOWN_FIELDS = "select object_type, name, column_type from fields";
    private static final String ADD_FIELDS = """
            insert into fields (object_type, name, column_type, origin, position)
            select ?, t.name, t.column_type, ?, t.position
            from unnest(?::text[], ?::text[], ?::int[]) as t(name, column_type, position)
            on conflict (object_type, name) do nothing""";
    private static final String ENSURE_TABLE = "select ensure_object_table(?, ?, ?)";
    private static final String SYNC_TABLE = "select sync_object_table(?)";
    private static final String REFRESH_SQL = "select refresh_sql from object_types where object_type = ?";
    private static final String FILL_COLUMNS = "select fill_columns(?, ?, ?, ?)";
    private static final int FILL_SLICE = 5_000;

    /**
     * A view of the rows of one parent type in an object table ({@link ObjectTypes#viewsByParent}:
     * {@code quote_line_items}). Made again whenever the table gains columns ({@code select *} is
     * expanded when a view is made; new columns come last, which {@code create or replace} allows).
     * DDL takes no parameters: the names are OpenSigma's own constants.
     */
    private static final String VIEW_OF_PARENT = "create or replace view %s as select * from %s where parent_type = '%s'";
    private static final String RELATION_EXISTS = "select to_regclass(?) is not null";

    private final DataSource dataSource;
    /** Object type → the statement that makes its current state the newest version. */
    private final Map<String, String> refreshSql = new ConcurrentHashMap<>();
    /** Object type → the top-level fields that have a column. */
    private final Map<String, Set<String>> fields = new ConcurrentHashMap<>();
    /** Object type → field → its column's type (what {@link TypedValues} reads for the refresh statement). */
    private final Map<String, Map<String, ColumnType>> columnTypes = new ConcurrentHashMap<>();
    /** Types whose table exists but whose statements were never generated (tables from before typed columns). */
    private final Set<String> unsynced = ConcurrentHashMap.newKeySet();
    /** Counts changes to the known columns, so that values read for older ones can be told apart. */
    private final AtomicLong generation = new AtomicLong();

    ObjectTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void load() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(KNOWN_TYPES)) {
                while (rs.next()) {
                    if (rs.getString(2) == null) {
                        unsynced.add(rs.getString(1));
                    } else {
                        refreshSql.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery(KNOWN_FIELDS)) {
                while (rs.next()) {
                    fields.computeIfAbsent(rs.getString(1), k -> ConcurrentHashMap.newKeySet()).add(rs.getString(2));
                    columnTypes.computeIfAbsent(rs.getString(1), k -> new ConcurrentHashMap<>())
                            .put(rs.getString(2), columnType(rs.getString(3)));
                }
            }
        }
        generation.incrementAndGet();
    }

    /**
     * Brings the tables of the given types up to date with stripe-java's fields (at start, so a
     * new stripe-java version adds its fields' columns to existing tables).
     */
    synchronized void upgrade(Collection<String> objectTypes) throws SQLException {
        Set<String> all = new java.util.TreeSet<>(objectTypes);
        all.addAll(refreshSql.keySet());
        all.addAll(unsynced);
        for (String type : all) {
            createIfMissing(type);
            List<Field> known = StripeModelFields.byObjectType().getOrDefault(type, List.of());
            List<Field> missing = known.stream().filter(f -> !has(type, f.name())).toList();
            if (!missing.isEmpty()) {
                addFields(type, missing, "stripe-java");
            }
            if (!ObjectTypes.viewsByParent(type).isEmpty()) {
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(true);
                    if (!viewsExist(c, type)) {
                        makeViewsOf(c, type); // a table from before its views
                    }
                }
            }
        }
    }

    /** Creates missing tables and columns for the versions about to be written (objects and their children). */
    void prepare(List<Observation> versions) throws SQLException {
        Map<String, Map<String, JsonNode>> unknown = null;
        for (Observation o : versions) {
            Set<String> known = fields.get(o.objectType());
            if (known == null || !refreshSql.containsKey(o.objectType())) {
                unknown = unknown == null ? new HashMap<>() : unknown;
                unknown.computeIfAbsent(o.objectType(), k -> new HashMap<>());
                known = Set.of();
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.object().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!known.contains(field.getKey()) && StripeModelFields.canBeColumn(field.getKey())) {
                    unknown = unknown == null ? new HashMap<>() : unknown;
                    unknown.computeIfAbsent(o.objectType(), k -> new HashMap<>())
                            .merge(field.getKey(), field.getValue(), (a, b) -> a.isNull() ? b : a);
                }
            }
        }
        if (unknown != null) {
            addObserved(unknown);
        }
    }

    /**
     * The statement that makes the newest version of objects of this type their current state and
     * their search row (parameters: ids, then the version ids and typed values of candidate versions).
     */
    String refreshSql(String objectType) {
        return refreshSql.get(objectType);
    }

    /** Field → column type of the type's typed columns. */
    Map<String, ColumnType> columnTypes(String objectType) {
        return columnTypes.getOrDefault(objectType, Map.of());
    }

    private static ColumnType columnType(String registryName) {
        return ColumnType.valueOf(registryName.toUpperCase(java.util.Locale.ROOT));
    }

    private synchronized void addObserved(Map<String, Map<String, JsonNode>> unknown) throws SQLException {
        for (Map.Entry<String, Map<String, JsonNode>> type : unknown.entrySet()) {
            createIfMissing(type.getKey());
            List<Field> observed = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : type.getValue().entrySet()) {
                if (!has(type.getKey(), f.getKey())) {
                    observed.add(new Field(f.getKey(), StripeModelFields.inferFromValue(f.getKey(), f.getValue()), "observed"));
                }
            }
            if (!observed.isEmpty()) {
                addFields(type.getKey(), observed, "observed");
            }
        }
    }

    private boolean has(String type, String field) {
        Set<String> known = fields.get(type);
        return known != null && known.contains(field);
    }

    private void createIfMissing(String type) throws SQLException {
        if (refreshSql.containsKey(type)) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            List<Field> known = StripeModelFields.byObjectType().getOrDefault(type, List.of());
            insertFields(c, type, known, "stripe-java", 0);
            boolean hadRows = unsynced.remove(type);
            try (PreparedStatement s = c.prepareStatement(ENSURE_TABLE)) {
                s.setString(1, type);
                s.setString(2, ObjectTypes.tableName(type));
                s.setString(3, ObjectTypes.idColumn(type));
                s.execute();
            }
            reload(c, type);
            makeViewsOf(c, type);
            if (hadRows) {
                fill(c, type, List.copyOf(fields.get(type)));
            }
        }
    }

    private void addFields(String type, List<Field> added, String origin) throws SQLException {
        List<String> columns;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            insertFields(c, type, added, origin, 1_000 + fields.getOrDefault(type, Set.of()).size());
            columns = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SYNC_TABLE)) {
                s.setString(1, type);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    Array array = rs.getArray(1);
                    if (array != null) {
                        columns.addAll(List.of((String[]) array.getArray()));
                    }
                }
            }
            reload(c, type);
            makeViewsOf(c, type);
            fill(c, type, columns);
        }
    }

    /** (Re)makes the views of the type's table by parent, if it has any. */
    private static void makeViewsOf(Connection c, String type) throws SQLException {
        Map<String, String> views = ObjectTypes.viewsByParent(type);
        if (views.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            for (Map.Entry<String, String> view : views.entrySet()) {
                s.execute(VIEW_OF_PARENT.formatted(view.getKey(), ObjectTypes.tableName(type), view.getValue()));
            }
        }
    }

    private static boolean viewsExist(Connection c, String type) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RELATION_EXISTS)) {
            for (String view : ObjectTypes.viewsByParent(type).keySet()) {
                s.setString(1, view);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Gives rows stored before a column existed their value, a slice at a time. */
    private void fill(Connection c, String type, List<String> columns) throws SQLException {
        if (columns.isEmpty()) {
            return;
        }
        String after = null;
        try (PreparedStatement s = c.prepareStatement(FILL_COLUMNS)) {
            do {
                s.setString(1, type);
                s.setArray(2, c.createArrayOf("text", columns.toArray()));
                s.setString(3, after);
                s.setInt(4, FILL_SLICE);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    after = rs.getString(1);
                }
            } while (after != null);
        }
    }

    private static void insertFields(Connection c, String type, List<Field> list, String origin, int firstPosition)
            throws SQLException {
        if (list.isEmpty()) {
            return;
        }
        String[] names = new String[list.size()];
        String[] types = new String[list.size()];
        Integer[] positions = new Integer[list.size()];
        for (int i = 0; i < list.size(); i++) {
            names[i] = list.get(i).name();
            types[i] = list.get(i).type().registryName();
            positions[i] = firstPosition + i;
        }
        try (PreparedStatement s = c.prepareStatement(ADD_FIELDS)) {
            s.setString(1, type);
            s.setString(2, origin);
            s.setArray(3, c.createArrayOf("text", names));
            s.setArray(4, c.createArrayOf("text", types));
            s.setArray(5, c.createArrayOf("int4", positions));
            s.execute();
        }
    }

    private void reload(Connection c, String type) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(REFRESH_SQL)) {
            s.setString(1, type);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    refreshSql.put(type, rs.getString(1));
                }
            }
        }
        Set<String> names = new HashSet<>();
        Map<String, ColumnType> types = new ConcurrentHashMap<>();
        try (PreparedStatement s = c.prepareStatement("select name, column_type from fields where object_type = ?")) {
            s.setString(1, type);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    types.put(rs.getString(1), columnType(rs.getString(2)));
                }
            }
        }
        Set<String> set = ConcurrentHashMap.newKeySet();
        set.addAll(names);
        columnTypes.put(type, types);
        fields.put(type, set);
        generation.incrementAndGet();
    }

    /** Changes whenever a table or column is added (see {@link Prepared.Row#typed}). */
    long generation() {
        return generation.get();
    }
}
