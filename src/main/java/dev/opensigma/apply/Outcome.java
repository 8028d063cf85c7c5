package dev.opensigma.apply;

/** What applying one observation did. Each means it is committed. */
public enum Outcome {
    /** A new version of an object was filed (and became current if it is the newest). */
    APPLIED,
    /** The event was archived; it carries no object to file ({@code invoice.upcoming}, {@code balance.available}). */
    ARCHIVED,
    /**
     * The event was archived but its object not filed: the event is of the other mode (test or
     * live) than the account this schema mirrors ({@link MirroredMode}).
     */
    ARCHIVED_OTHER_MODE,
    /** Already stored earlier (or earlier in the same batch); nothing changed. */
    DUPLICATE
}
