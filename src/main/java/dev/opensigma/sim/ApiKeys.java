package dev.opensigma.sim;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys as Stripe reads them: {@code Authorization: Bearer <key>}, or basic auth with the key
 * as user. {@code sk_live_}/{@code rk_live_} keys are live mode, {@code sk_test_}/{@code rk_test_}
 * test mode; {@code rk_} keys are restricted.
 */
final class ApiKeys {

    /** A key that was accepted. */
    record Key(String value, boolean live, boolean restricted) {

        String masked() {
            return mask(value);
        }
    }

    private static final Pattern WELL_FORMED = Pattern.compile("(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}");

    private final Set<String> accepted;

    ApiKeys(Set<String> accepted) {
        this.accepted = accepted;
    }

    /** The key of an {@code Authorization} header, or an {@link ApiError} 401 worded as Stripe words it. */
    Key authenticate(String authorization) {
        String key = extract(authorization);
        if (key == null || key.isEmpty()) {
            throw new ApiError(401, "invalid_request_error", null, "You did not provide an API key. You need to provide your API"
                    + " key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                    + " See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
                    null);
        }
        if (!WELL_FORMED.matcher(key).matches() || !accepted.isEmpty() && !accepted.contains(key)) {
            throw new ApiError(401, "invalid_request_error", null, "Invalid API Key provided: " + mask(key), null);
        }
        return new Key(key, key.contains("_live_"), key.startsWith("rk_"));
    }

    /** The key from a header, or null; never fails (for logging requests that were refused). */
    static String extract(String authorization) {
        if (authorization == null) {
            return null;
        }
        String h = authorization.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return h;
    }

    /** {@code sk_test_****abcd}: the prefix and the last four characters, as Stripe shows keys. */
    static String mask(String key) {
        if (key == null) {
            return null;
        }
        int prefix = key.startsWith("sk_") || key.startsWith("rk_") || key.startsWith("pk_")
                ? key.indexOf('_', 3) + 1 : 0;
        if (prefix <= 0 || prefix > key.length()) {
            prefix = 0;
        }
        String tail = key.length() - prefix > 4 ? key.substring(key.length() - 4) : "";
        return key.substring(0, prefix) + "****" + tail;
    }
}
