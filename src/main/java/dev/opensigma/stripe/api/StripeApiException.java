package dev.opensigma.stripe.api;

/**
 * Stripe answered with an error, or could not be reached after every retry.
 *
 * @param status HTTP status, or 0 when no answer came (network error)
 */
public class StripeApiException extends Exception {

    private final int status;
    private final String code;
    private final String requestId;

    public StripeApiException(String message, int status, String code, String requestId, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.requestId = requestId;
    }

    public int status() {
        return status;
    }

    /** Stripe's error code ({@code resource_missing}, {@code rate_limit}, ...), or null. */
    public String code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    /** 404 {@code resource_missing}: the object (or an event older than 30 days) does not exist. */
    public boolean notFound() {
        return status == 404;
    }

    /**
     * 404 with code {@code resource_missing}: the object named in the path (for a child list, its
     * parent) does not exist, as opposed to a URL Stripe does not recognize (no code).
     */
    public boolean resourceMissing() {
        return notFound() && "resource_missing".equals(code);
    }
}
