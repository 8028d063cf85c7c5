package dev.opensigma.stripe;

/** The bytes are not a Stripe event; the message says what was wrong and what was expected. */
public final class InvalidEventException extends Exception {
    public InvalidEventException(String message) {
        super(message);
    }
}
