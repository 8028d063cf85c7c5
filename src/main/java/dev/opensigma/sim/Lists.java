package dev.opensigma.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * List pages as Stripe serves them: {@code limit} 1–100 (default 10), {@code starting_after} or
 * {@code ending_before} (not both), {@code created} or {@code created[gt|gte|lt|lte]} where the
 * list takes it, newest first, {@code {"object":"list","url",...,"has_more","data":[...]}} built by
 * concatenating the objects' pre-rendered JSON.
 */
final class Lists {

    /** The page's bounds and cursor, read from the request. */
    record Query(int limit, String startingAfter, String endingBefore, long minCreated, long maxCreated) {

        String cursorId() {
            return startingAfter != null ? startingAfter : endingBefore;
        }
    }

    static final Set<String> PAGING = Set.of("limit", "starting_after", "ending_before");

    private Lists() {
    }

    /** Reads the paging parameters; {@code created} only if the list takes it. */
    static Query query(Params params, boolean created) {
        int limit = (int) params.integer("limit", 10, 1, 100);
        String after = params.get("starting_after");
        String before = params.get("ending_before");
        if (after != null && before != null) {
            throw ApiError.invalid("You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
        }
        for (String name : new String[] {"starting_after", "ending_before"}) {
            String v = params.get(name);
            if (v != null && v.isEmpty()) {
                throw ApiError.invalid("parameter_invalid_empty", "You passed an empty string for '" + name + "'. We assume empty"
                        + " values are an attempt to unset a parameter; however '" + name + "' cannot be unset. You should remove '"
                        + name + "' from your request or supply a non-empty value.", name);
            }
        }
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        if (created) {
            for (String key : params.keys("created")) {
                String bound = key.equals("created") ? "eq" : key.substring("created[".length(), key.length() - 1);
                long v = params.integer(key, 0, Long.MIN_VALUE, Long.MAX_VALUE);
                switch (bound) {
                    case "eq" -> {
                        min = Math.max(min, v);
                        max = Math.min(max, v);
                    }
                    case "gt" -> min = Math.max(min, v + 1);
                    case "gte" -> min = Math.max(min, v);
                    case "lt" -> max = Math.min(max, v - 1);
                    case "lte" -> max = Math.min(max, v);
                    default -> throw ApiError.unknownParameter(key);
                }
            }
        }
        return new Query(limit, after, before, min, max);
    }

    /** Allowed parameter names: paging, {@code created} if taken, and the list's filters. */
    static Set<String> allowed(boolean created, Set<String> filters) {
        Set<String> allowed = new HashSet<>(PAGING);
        if (created) {
            allowed.add("created");
        }
        allowed.addAll(filters);
        allowed.add("expand");
        return allowed;
    }

    /** One page of {@code listing}; {@code cursor} is the already-resolved cursor object, or null. */
    static byte[] page(Listing listing, Query q, StoredObject cursor, Predicate<StoredObject> filter, String url) {
        Listing.Page page = listing == null ? new Listing.Page(List.of(), false)
                : listing.page(cursor, q.endingBefore() != null, q.limit(), q.minCreated(), q.maxCreated(), filter);
        return render(page.data(), page.hasMore(), url);
    }

    static byte[] render(List<StoredObject> data, boolean hasMore, String url) {
        byte[] head = ("{\"object\":\"list\",\"url\":" + quote(url) + ",\"has_more\":" + hasMore + ",\"data\":[")
                .getBytes(StandardCharsets.UTF_8);
        Bytes[] parts = new Bytes[data.size()];
        int size = head.length + 2 + Math.max(0, data.size() - 1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = data.get(i).bytes(); // read once: an update may swap it meanwhile
            size += parts[i].length();
        }
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        int at = head.length;
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            System.arraycopy(parts[i].array(), parts[i].offset(), out, at, parts[i].length());
            at += parts[i].length();
        }
        out[at++] = ']';
        out[at] = '}';
        return out;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
