package dev.opensigma.stripe.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One query or form parameter, in Stripe's bracket notation ({@code created[gte]}, {@code types[]}). */
public record Param(String name, String value) {

    public static Param of(String name, Object value) {
        return new Param(name, String.valueOf(value));
    }

    /** The parameters of a query string ({@code subscription=sub_1}), as in the {@code url} of an embedded list. */
    public static List<Param> fromQuery(String query) {
        List<Param> params = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.add(new Param(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
            }
        }
        return params;
    }
}
