package dev.opensigma.apply;

/** The database could not be reached; nothing of the batch was committed. Retrying later is right. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
