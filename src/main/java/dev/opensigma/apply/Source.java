package dev.opensigma.apply;

/** Where an observation came from; stored with every event and version. */
public enum Source {
    WEBHOOK, DIRECT, IMPORT, POLL, BACKFILL, REFETCH;

    public String label() {
        return name().toLowerCase();
    }
}
