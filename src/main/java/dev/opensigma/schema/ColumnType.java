package dev.opensigma.schema;

/**
 * The SQL type of a typed column and the function that reads it from a jsonb value. The
 * functions (defined in a migration) return null instead of failing when a value does not fit,
 * so an unexpected payload never blocks ingestion; the raw {@code data} stays the truth.
 */
public enum ColumnType {
    TEXT("text", "read_text"),
    BIGINT("bigint", "read_bigint"),
    /** A number, or a decimal string as Stripe sends {@code *_decimal} fields. */
    NUMERIC("numeric", "read_numeric"),
    BOOLEAN("boolean", "read_boolean"),
    /** A Unix timestamp in seconds. */
    TIMESTAMP("timestamptz", "read_timestamp"),
    /** An expandable reference: the id whether or not the payload had it expanded. */
    REFERENCE("text", "read_reference"),
    JSONB("jsonb", "read_jsonb");

    private final String sqlType;
    private final String reader;

    ColumnType(String sqlType, String reader) {
        this.sqlType = sqlType;
        this.reader = reader;
    }

    public String sqlType() {
        return sqlType;
    }

    /** The name in the {@code fields} registry ({@code fields.column_type}): text, bigint, ..., timestamp, reference, jsonb. */
    public String registryName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The name of the SQL function that turns the field's jsonb value into this type. */
    public String reader() {
        return reader;
    }
}
