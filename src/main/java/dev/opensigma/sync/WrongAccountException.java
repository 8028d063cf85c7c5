package dev.opensigma.sync;

/** An API key of another account, or of the other mode, than the one the schema mirrors. */
public final class WrongAccountException extends Exception {

    WrongAccountException(String message) {
        super(message);
    }
}
