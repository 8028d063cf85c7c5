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
        if (account != null) {
            requireAccountId(account);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        ListableTypes.select(types); // fails early, naming the known types
    }

    /**
     * Refuses what is not a connected account's id, for every command that takes {@code --account}.
     */
    public static String requireAccountId(String account) {
        if (!account.startsWith("acct_")) {
            throw new IllegalArgumentException("--account takes a connected account id (acct_...), not '" + account
                    + "'. Connected accounts are listed by: ./opensigma query \"select id from accounts\"");
        }
        return account;
    }

    /**
     * The selections of the runs that copy at least what this request copies: its own, and for a
     * request of the key's own account, the same with every connected account ({@code --connect}).
     */
    List<String> coveringSelections() {
        List<String> covering = new java.util.ArrayList<>(List.of(selection()));
        if (account == null && !connect) {
            covering.add(new BackfillRequest(types, since, null, true, workers).selection());
        }
        return covering;
    }

    /** The request as a key: running the same request again resumes its unfinished run. */
    String selection() {
        return "types=" + (types.isEmpty() ? "*" : String.join(",", types.stream().sorted().toList()))
                + ";since=" + (since == null ? "-" : since.getEpochSecond())
                + ";accounts=" + (connect ? "connect" : account == null ? "own" : account);
    }
}
