package dev.opensigma.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.schema.ColumnType;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The typed values of an object's columns, read in Java with exactly the rules of the read_*
 * SQL functions (V2), which the as-of functions and {@code fill_columns} still use: the refresh
 * statement (V6) takes them as one JSON object per version, {@code {"column": value}}, through
 * {@code jsonb_to_record}. Values are already in the column's type, so the conversion in the
 * database cannot fail: a value that does not fit is left out (SQL null), as the readers do.
 *
 * <ul>
 *   <li>text: a string as is; another JSON value as its JSON text (jsonb_to_record writes it as
 *       {@code value::text} does); JSON null: null.</li>
 *   <li>reference: a string; an object's {@code id} (as text); anything else: null.</li>
 *   <li>bigint: a number whose PostgreSQL text is an integer of at most 18 digits.</li>
 *   <li>numeric: a number, or a string of digits with an optional fraction.</li>
 *   <li>boolean: true or false.</li>
 *   <li>timestamp: a number of seconds, at most 12 digits (11 below zero), as Unix seconds;
 *       the statement applies {@code to_timestamp}.</li>
 *   <li>jsonb: not here; the statement takes them from {@code data} itself.</li>
 * </ul>
 */
final class TypedValues {

    private static final Pattern BIGINT = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern NUMERIC_STRING = Pattern.compile("-?[0-9]{1,100}(\\.[0-9]{1,100})?");
    private static final Pattern UNIX_SECONDS = Pattern.compile("[0-9]{1,12}|-[0-9]{1,11}");

    private TypedValues() {
    }

    /** The JSON object of {@code data}'s typed values for the given columns (field name to type). */
    static String json(JsonNode data, Map<String, ColumnType> columns) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                ColumnType type = columns.get(field.getKey());
                JsonNode v = field.getValue();
                if (type == null || type == ColumnType.JSONB || v == null || v.isNull()) {
                    continue;
                }
                switch (type) {
                    case TEXT -> {
                        g.writeFieldName(field.getKey());
                        g.writeTree(v);
                    }
                    case REFERENCE -> {
                        JsonNode id = v.isTextual() ? v : v.isObject() ? v.get("id") : null;
                        if (id != null && !id.isNull()) {
                            g.writeFieldName(field.getKey());
                            g.writeTree(id);
                        }
                    }
                    case BIGINT -> {
                        if (v.isNumber() && BIGINT.matcher(postgresText(v)).matches()) {
                            g.writeNumberField(field.getKey(), Long.parseLong(postgresText(v)));
                        }
                    }
                    case NUMERIC -> {
                        if (v.isNumber() || (v.isTextual() && NUMERIC_STRING.matcher(v.textValue()).matches())) {
                            g.writeFieldName(field.getKey());
                            g.writeTree(v);
                        }
                    }
                    case BOOLEAN -> {
                        if (v.isBoolean()) {
                            g.writeBooleanField(field.getKey(), v.booleanValue());
                        }
                    }
                    case TIMESTAMP -> {
                        if (v.isNumber() && UNIX_SECONDS.matcher(postgresText(v)).matches()) {
                            g.writeNumberField(field.getKey(), Long.parseLong(postgresText(v)));
                        }
                    }
                    default -> throw new IllegalStateException("unhandled column type " + type);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The text PostgreSQL gives a JSON number ({@code numeric} output): plain notation, the scale
     * of the input ({@code 5.0} stays {@code 5.0}, {@code 1E+2} is {@code 100}).
     */
    static String postgresText(JsonNode number) {
        if (number.isIntegralNumber() && number.canConvertToLong()) {
            return Long.toString(number.longValue());
        }
        BigDecimal d = number.decimalValue();
        if (d.scale() < 0) {
            d = d.setScale(0);
        }
        return d.toPlainString();
    }
}
