package dev.opensigma.schema;

import com.google.gson.annotations.SerializedName;
import com.stripe.Stripe;
import com.stripe.model.EventDataClassLookup;
import com.stripe.model.ExpandableField;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields of every object type as stripe-java's model classes declare them for its pinned API
 * version ({@link Stripe#API_VERSION}). stripe-java types timestamps as plain {@code Long}, so
 * those are recognised by Stripe's naming conventions ({@code created}, {@code *_at}, ...).
 */
public final class StripeModelFields {

    /** Fields whose names OpenSigma's own columns already use; they stay in {@code data}. */
    public static final Set<String> RESERVED = Set.of("id", "account", "deleted", "valid_from", "version_id",
            "event_id", "updated_at", "data", "object_type", "parent_type", "parent_id");

    /** Integer fields with these names, or ending in {@link #TIMESTAMP_SUFFIXES}, are Unix timestamps. */
    public static final Set<String> TIMESTAMP_NAMES = Set.of("created", "date", "start", "end", "expires", "redeem_by",
            "available_on", "billing_cycle_anchor", "next_payment_attempt", "frozen_time", "timestamp", "updated",
            "billed_until", "deletes_after", "data_load_time", "next_pending_invoice_item_invoice", "active_from");
    public static final List<String> TIMESTAMP_SUFFIXES = List.of("_at", "_date", "_start", "_end", "_time", "_until");

    private static final Map<String, List<String>> SHADOWED = new TreeMap<>();
    private static final Map<String, List<Field>> BY_TYPE = load();

    private StripeModelFields() {
    }

    /** Object type ("customer", "checkout.session", ...) to its fields, in declaration order. */
    public static Map<String, List<Field>> byObjectType() {
        return BY_TYPE;
    }

    /**
     * Object type to the fields stripe-java declares under a name that one of OpenSigma's own
     * columns uses ({@link #RESERVED}, other than {@code id}): they have no column of their own and
     * stay in {@code data} (e.g. a capability's {@code account}). Only types that have any.
     */
    public static Map<String, List<String>> shadowedByObjectType() {
        return Collections.unmodifiableMap(SHADOWED);
    }

    public static String apiVersion() {
        return Stripe.API_VERSION;
    }

    /**
     * Whether a field seen in data gets a column: not one of OpenSigma's own names, and a name
     * PostgreSQL keeps whole (at most 63 bytes, not empty). Other fields stay in {@code data}.
     */
    public static boolean canBeColumn(String name) {
        return !name.isEmpty() && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 63
                && !RESERVED.contains(name);
    }

    /** The column type of a field first seen in data, from its JSON value and its name. */
    public static ColumnType inferFromValue(String name, com.fasterxml.jackson.databind.JsonNode value) {
        if (value == null || value.isNull()) {
            return ColumnType.JSONB; // nothing to go by: jsonb keeps whatever comes later
        }
        if (value.isTextual()) {
            return ColumnType.TEXT;
        }
        if (value.isBoolean()) {
            return ColumnType.BOOLEAN;
        }
        if (value.isIntegralNumber()) {
            return isTimestampName(name) ? ColumnType.TIMESTAMP : ColumnType.BIGINT;
        }
        if (value.isNumber()) {
            return ColumnType.NUMERIC;
        }
        return ColumnType.JSONB;
    }

    static boolean isTimestampName(String name) {
        return TIMESTAMP_NAMES.contains(name) || TIMESTAMP_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static Map<String, List<Field>> load() {
        Map<String, List<Field>> result = new TreeMap<>();
        for (Map.Entry<String, Class<? extends com.stripe.model.StripeObject>> e : EventDataClassLookup.classLookup.entrySet()) {
            Map<String, Field> fields = new LinkedHashMap<>();
            List<Class<?>> hierarchy = new ArrayList<>();
            for (Class<?> c = e.getValue(); c != null && c != Object.class; c = c.getSuperclass()) {
                hierarchy.add(c);
            }
            Collections.reverse(hierarchy);
            for (Class<?> c : hierarchy) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    SerializedName name = f.getAnnotation(SerializedName.class);
                    if (name == null || fields.containsKey(name.value())) {
                        continue;
                    }
                    if (RESERVED.contains(name.value())) {
                        if (!name.value().equals("id")) {
                            List<String> shadowed = SHADOWED.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                            if (!shadowed.contains(name.value())) {
                                shadowed.add(name.value());
                            }
                        }
                        continue;
                    }
                    fields.put(name.value(), new Field(name.value(), typeOf(name.value(), f.getGenericType()), "stripe-java"));
                }
            }
            result.put(e.getKey(), List.copyOf(fields.values()));
        }
        SHADOWED.replaceAll((type, names) -> List.copyOf(names));
        return Collections.unmodifiableMap(result);
    }

    private static ColumnType typeOf(String name, Type type) {
        Type raw = type instanceof ParameterizedType p ? p.getRawType() : type;
        if (raw == String.class) {
            return ColumnType.TEXT;
        }
        if (raw == Long.class || raw == Integer.class) {
            return isTimestampName(name) ? ColumnType.TIMESTAMP : ColumnType.BIGINT;
        }
        if (raw == Boolean.class) {
            return ColumnType.BOOLEAN;
        }
        if (raw == BigDecimal.class || raw == Double.class) {
            return ColumnType.NUMERIC;
        }
        if (raw == ExpandableField.class) {
            return ColumnType.REFERENCE;
        }
        return ColumnType.JSONB; // nested objects, lists, maps (metadata)
    }
}
