package dev.opensigma.apply;

/** What applying one observation did. All three mean it is committed. */
public enum Outcome {
    /** A new version of an object was filed (and became current if it is the newest). */
    APPLIED,
    /** The event was archived; it carries no object to file ({@code invoice.upcoming}, {@code balance.available}). */
    ARCHIVED,
    /** Already stored earlier (or earlier in the same batch); nothing changed. */
    DUPLICATE
}
