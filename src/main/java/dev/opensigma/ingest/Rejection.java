package dev.opensigma.ingest;

/**
 * Why an incoming event was not accepted: an HTTP status, a stable machine-readable code, and a
 * message saying what was wrong and what to do. Nothing is stored for a rejected request.
 */
public final class Rejection extends Exception {

    private final int status;
    private final String code;

    public Rejection(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
