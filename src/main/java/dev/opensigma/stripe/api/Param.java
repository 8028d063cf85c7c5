package dev.opensigma.stripe.api;

/** One query or form parameter, in Stripe's bracket notation ({@code created[gte]}, {@code types[]}). */
public record Param(String name, String value) {

    public static Param of(String name, Object value) {
        return new Param(name, String.valueOf(value));
    }
}
