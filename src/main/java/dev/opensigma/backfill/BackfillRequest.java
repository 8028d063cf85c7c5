package dev.opensigma.backfill;

import java.time.Instant;
import java.util.List;

/**
 * What to copy.
 *
 * @param types    registry names; empty means every listable type
 * @param since    only objects created at or after this (null: all)
 * @param account  a connected account to copy instead of the key's own (null: the key's own)
 * @param connect  also copy every connected account the key can see ({@code /v1/accounts})
 * @param workers  concurrent requests at most (the rate budget decides how many are useful)
 */
public record BackfillRequest(List<String> types, Instant since, String account, boolean connect, int workers) {

    public BackfillRequest {
        types = List.copyOf(types);
        if (account != null && connect) {
            throw new IllegalArgumentException("Use either --account or --connect, not both");
        }
        if (account != null && !account.startsWith("acct_")) {
            throw new IllegalArgumentException("--account takes a connected account id (acct_...), not '" + account + "'");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        ListableTypes.select(types); // fails early, naming the known types
    }

    /** The request as a key: running the same request again resumes its unfinished run. */
    public String selection() {
        return "types=" + (types.isEmpty() ? "*" : String.join(",", types.stream().sorted().toList()))
                + ";since=" + (since == null ? "-" : since.getEpochSecond())
                + ";accounts=" + (connect ? "connect" : account == null ? "own" : account);
    }
}
