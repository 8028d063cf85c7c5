package dev.opensigma.apply;

/** The database refused this observation itself (not a passing outage); nothing of it was committed. */
public final class ApplyFailedException extends RuntimeException {
    public ApplyFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
