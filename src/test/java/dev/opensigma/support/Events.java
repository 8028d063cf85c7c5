package dev.opensigma.support;

/** Stripe event JSON for tests that spell out their objects. */
public final class Events {

    private Events() {
    }

    /** An event of {@code type} carrying {@code object} (JSON), with {@code previous} attributes or none. */
    public static String event(String id, String type, long created, String object, String previous) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"api_version\":\"" + com.stripe.Stripe.API_VERSION + "\",\"created\":" + created
                + ",\"data\":{\"object\":" + object + (previous == null ? "" : ",\"previous_attributes\":" + previous)
                + "}}";
    }
}
