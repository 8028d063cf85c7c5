package dev.opensigma.cli;

import dev.opensigma.backfill.BackfillRequest;
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
            BackfillRequest.requireAccountId(account);
            if (!accounts.contains(account)) {
                accounts.add(account);
            }
        }
        return accounts;
    }
}
