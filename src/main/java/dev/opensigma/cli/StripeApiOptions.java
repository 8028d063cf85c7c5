package dev.opensigma.cli;

import dev.opensigma.store.Database;
import dev.opensigma.stripe.api.ApiSettings;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import dev.opensigma.sync.MirroredAccount;
import dev.opensigma.sync.WrongAccountException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Supplier;

/** The Stripe API connection every API-facing command uses; secrets come from the environment only. */
final class StripeApiOptions {

    static final String ENVIRONMENT_HELP = """
              STRIPE_API_KEY                 secret key or restricted key with read access (sk_live_..., rk_live_...)
              STRIPE_API_BASE                API base URL (default https://api.stripe.com; the simulator's URL to try it out)
              OPENSIGMA_STRIPE_GLOBAL_RPS    requests/s for the account (default: 96 live, 24 test)
              OPENSIGMA_STRIPE_ENDPOINT_RPS  requests/s per endpoint (default 24)""";

    /** Where the variables come from: the process environment; tests substitute their own. */
    static volatile Supplier<Map<String, String>> environment = System::getenv;

    private StripeApiOptions() {
    }

    /** Throws IllegalArgumentException with a message fit for the user when the environment is incomplete. */
    static StripeApi fromEnvironment() {
        return new StripeApi(ApiSettings.fromEnvironment(environment.get()));
    }

    /**
     * Checks that the key belongs to the account, and the mode, that the schema mirrors; the first
     * command to use a key on a schema records them ({@link MirroredAccount}). Says on {@code err}
     * why not, and returns the exit code to end with: 2 for another account's key or the other
     * mode's, 1 when Stripe could not be asked; 0 to go on.
     */
    static int claimAccount(Database db, StripeApi api, String command, PrintWriter err)
            throws SQLException, InterruptedException {
        try {
            MirroredAccount.claim(db.dataSource(), db.schema(), api.settings().key(),
                    MirroredAccount.accountOf(api).orElse(null), command);
            return 0;
        } catch (WrongAccountException | StripeApiException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return e instanceof WrongAccountException ? 2 : 1;
        }
    }

    /** True when STRIPE_API_KEY is set. */
    static boolean configured() {
        String key = environment.get().get("STRIPE_API_KEY");
        return key != null && !key.isBlank();
    }
}
