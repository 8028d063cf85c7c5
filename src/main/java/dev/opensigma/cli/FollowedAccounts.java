package dev.opensigma.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The accounts that {@code sync} and {@code serve} follow through the API: the key's own, and the
 * connected accounts named with {@code --account}, each polled with {@code Stripe-Account}.
 */
final class FollowedAccounts {

    @Option(names = "--account", paramLabel = "acct_...",
            description = "Also follow this connected account: poll its events with Stripe-Account (repeatable). With"
                    + " serve, the first backfill then covers every connected account, as 'backfill --connect'.")
    List<String> connected = new ArrayList<>();

    /** "" for the key's own account, then the connected ones, each once. */
    List<String> all() {
        List<String> accounts = new ArrayList<>(List.of(""));
        for (String account : connected) {
            if (!account.startsWith("acct_")) {
                throw new IllegalArgumentException("--account takes a connected account id (acct_...), not '" + account
                        + "'. Connected accounts are listed by: ./opensigma query \"select id from accounts\"");
            }
            if (!accounts.contains(account)) {
                accounts.add(account);
            }
        }
        return accounts;
    }
}
