package dev.opensigma.bench;

/**
 * What happened to one event sent: the HTTP status (0 when no response came) and the latency.
 *
 * @param error why there was no response, or null
 */
record Delivery(String eventId, int status, long latencyNanos, String error) {

    boolean acknowledged() {
        return status >= 200 && status < 300;
    }

    /** A short label of the failure for the report ({@code "503"}, {@code "HttpTimeoutException"}). */
    String failure() {
        return status != 0 ? Integer.toString(status) : error;
    }
}
