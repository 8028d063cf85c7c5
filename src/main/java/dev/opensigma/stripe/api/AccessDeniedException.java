package dev.opensigma.stripe.api;

/**
 * 401 or 403: the key is wrong, revoked, or lacks a permission. Retrying cannot help; the message
 * says what to change.
 */
public final class AccessDeniedException extends StripeApiException {

    public AccessDeniedException(String message, int status, String code, String requestId) {
        super(message, status, code, requestId, null);
    }
}
