package dev.opensigma.sim;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The simulator generates one account, in test mode ({@code "livemode":false} throughout). Stripe
 * keeps a live and a test copy of an account apart, and a key, or a webhook endpoint, only ever
 * sees its own mode's; the simulator serves its one copy to both, so a live key (used for its
 * rate limits) and a live endpoint get it rendered as live. Pre-rendered JSON is rewritten on the
 * way out; the generator writes no such text inside string values.
 */
final class LiveRendering {

    private static final byte[] TEST = "\"livemode\":false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIVE = "\"livemode\":true".getBytes(StandardCharsets.US_ASCII);

    private LiveRendering() {
    }

    /** {@code json} with every {@code "livemode":false} made {@code "livemode":true}. */
    static byte[] of(byte[] json) {
        byte[] out = null;
        int written = 0;
        int copiedUpTo = 0;
        for (int i = indexOf(json, 0); i >= 0; i = indexOf(json, i + TEST.length)) {
            if (out == null) {
                out = new byte[json.length];
            }
            System.arraycopy(json, copiedUpTo, out, written, i - copiedUpTo);
            written += i - copiedUpTo;
            System.arraycopy(LIVE, 0, out, written, LIVE.length);
            written += LIVE.length;
            copiedUpTo = i + TEST.length;
        }
        if (out == null) {
            return json;
        }
        System.arraycopy(json, copiedUpTo, out, written, json.length - copiedUpTo);
        return Arrays.copyOf(out, written + json.length - copiedUpTo);
    }

    static String of(String json) {
        return new String(of(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] json, int from) {
        outer:
        for (int i = from; i <= json.length - TEST.length; i++) {
            for (int k = 0; k < TEST.length; k++) {
                if (json[i + k] != TEST[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
