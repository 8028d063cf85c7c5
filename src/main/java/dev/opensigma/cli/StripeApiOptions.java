package dev.opensigma.cli;

import dev.opensigma.stripe.api.ApiSettings;
import dev.opensigma.stripe.api.StripeApi;
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

    /** True when STRIPE_API_KEY is set. */
    static boolean configured() {
        String key = environment.get().get("STRIPE_API_KEY");
        return key != null && !key.isBlank();
    }
}
