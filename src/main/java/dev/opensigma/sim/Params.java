package dev.opensigma.sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request parameters in Stripe's form encoding, from a query string or a form body:
 * {@code created[gte]=1}, {@code types[]=a&types[]=b}, {@code metadata[key]=v}. Keys are kept as
 * sent; {@link #names()} gives the top-level names, to refuse unknown ones as Stripe does.
 */
final class Params {

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    static Params parse(String encoded) {
        Params p = new Params();
        if (encoded == null || encoded.isEmpty()) {
            return p;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            p.values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return p;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("Invalid URL encoding in '" + s + "'", null);
        }
    }

    /** Top-level parameter names ({@code created} for {@code created[gte]}). */
    Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String key : values.keySet()) {
            int bracket = key.indexOf('[');
            names.add(bracket < 0 ? key : key.substring(0, bracket));
        }
        return names;
    }

    /** Every key that starts with {@code name} ({@code created}, {@code created[gte]}...). */
    List<String> keys(String name) {
        return values.keySet().stream().filter(k -> k.equals(name) || k.startsWith(name + "[")).toList();
    }

    /** The single value of {@code key}, or null. */
    String get(String key) {
        List<String> list = values.get(key);
        return list == null ? null : list.getLast();
    }

    /** A list parameter: {@code name[]=a&name[]=b} or {@code name[0]=a&name[1]=b}. */
    List<String> list(String name) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            String k = e.getKey();
            if (k.equals(name + "[]") || k.matches(java.util.regex.Pattern.quote(name) + "\\[\\d+]")) {
                out.addAll(e.getValue());
            }
        }
        return out;
    }

    /** A hash parameter: {@code name[key]=value}. */
    Map<String, String> hash(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(name + "[") && k.endsWith("]") && !k.equals(name + "[]")) {
                out.put(k.substring(name.length() + 1, k.length() - 1), e.getValue().getLast());
            }
        }
        return out;
    }

    boolean has(String name) {
        return !keys(name).isEmpty();
    }

    /** Refuses any parameter not in {@code allowed}, with Stripe's {@code parameter_unknown}. */
    void allowOnly(Set<String> allowed) {
        for (String name : names()) {
            if (!allowed.contains(name)) {
                throw ApiError.unknownParameter(name);
            }
        }
    }

    /** An integer value, or {@code fallback} when absent; refused as Stripe refuses a bad one. */
    long integer(String key, long fallback, long min, long max) {
        String raw = get(key);
        if (raw == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("parameter_invalid_integer", "Invalid integer: " + raw, key);
        }
        if (value < min) {
            throw ApiError.invalid("parameter_invalid_integer", "This value must be greater than or equal to " + min + ".", key);
        }
        if (value > max) {
            throw ApiError.invalid("parameter_invalid_integer", "This value must be less than or equal to " + max + ".", key);
        }
        return value;
    }
}
