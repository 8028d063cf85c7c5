package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The SQL function {@code search_text(data)} (V3) in Java: the text {@code search_documents.body}
 * holds for an object. Computed here for the refresh statement, where the SQL function cost about
 * 100 microseconds per row. Where the result would depend on how PostgreSQL prints a JSON object
 * or array (such a value where text is expected), it answers null and the statement calls the
 * SQL function instead, so the two never disagree.
 */
final class SearchText {

    /** Same fields, same order as search_text: top-level fields, then paths. */
    private static final List<String[]> PATHS = List.of(
            new String[] {"id"}, new String[] {"email"}, new String[] {"name"}, new String[] {"description"},
            new String[] {"phone"}, new String[] {"receipt_email"}, new String[] {"customer_email"},
            new String[] {"customer_name"}, new String[] {"customer_phone"}, new String[] {"statement_descriptor"},
            new String[] {"statement_descriptor_suffix"}, new String[] {"calculated_statement_descriptor"},
            new String[] {"number"}, new String[] {"receipt_number"}, new String[] {"nickname"},
            new String[] {"lookup_key"}, new String[] {"code"},
            new String[] {"billing_details", "email"}, new String[] {"billing_details", "name"},
            new String[] {"billing_details", "phone"},
            new String[] {"customer_details", "email"}, new String[] {"customer_details", "name"},
            new String[] {"customer_details", "phone"},
            new String[] {"shipping", "name"}, new String[] {"shipping", "phone"},
            new String[] {"card", "last4"}, new String[] {"payment_method_details", "card", "last4"});

    private static final int MAX_CHARACTERS = 100_000;

    /** Thrown inside: the value would need PostgreSQL's JSON printing. */
    private static final class NeedsSql extends Exception {
        NeedsSql() {
            super(null, null, false, false);
        }
    }

    private SearchText() {
    }

    /** {@code search_text(data)}, or null when only the SQL function can say. */
    static String of(JsonNode data) {
        try {
            StringJoiner text = new StringJoiner(" ");
            for (String[] path : PATHS) {
                JsonNode v = data;
                for (String key : path) {
                    v = v.isObject() ? v.get(key) : null;
                    if (v == null) {
                        break;
                    }
                }
                String s = text(v);
                if (s != null) {
                    text.add(s);
                }
            }
            JsonNode metadata = data.get("metadata");
            if (metadata != null && metadata.isObject() && !metadata.isEmpty()) {
                text.add(metadata(metadata));
            }
            return left(text.toString());
        } catch (NeedsSql e) {
            return null;
        }
    }

    /** {@code ->>}: a string as is, JSON null as null, numbers and booleans as PostgreSQL prints them. */
    private static String text(JsonNode v) throws NeedsSql {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            return TypedValues.postgresText(v);
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "true" : "false";
        }
        throw new NeedsSql();
    }

    /** "key value key value ...", in jsonb's key order: shorter keys first, then by their UTF-8 bytes. */
    private static String metadata(JsonNode metadata) throws NeedsSql {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(metadata.size());
        metadata.fields().forEachRemaining(entries::add);
        List<byte[]> keys = new ArrayList<>(entries.size());
        Integer[] order = new Integer[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            keys.add(entries.get(i).getKey().getBytes(StandardCharsets.UTF_8));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            byte[] x = keys.get(a);
            byte[] y = keys.get(b);
            return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
        });
        StringJoiner pairs = new StringJoiner(" ");
        for (int i : order) {
            String value = text(entries.get(i).getValue());
            pairs.add(value == null ? entries.get(i).getKey() : entries.get(i).getKey() + " " + value);
        }
        return pairs.toString();
    }

    /** {@code left(s, 100000)}: characters as PostgreSQL counts them (code points). */
    private static String left(String s) {
        if (s.length() <= MAX_CHARACTERS) {
            return s;
        }
        int end = s.offsetByCodePoints(0, Math.min(MAX_CHARACTERS, s.codePointCount(0, s.length())));
        return s.substring(0, end);
    }
}
