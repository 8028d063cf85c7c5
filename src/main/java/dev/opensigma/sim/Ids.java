package dev.opensigma.sim;

import java.util.random.RandomGenerator;

/**
 * Stripe-shaped ids. Long ids look like Stripe's: {@code "1"}, five characters that grow with the
 * creation time, ten characters shared by every object of the account, eight random ones
 * ({@code ch_1PgafuB7WZ01zgkWXYmPNZs8}), so they sort roughly by time as Stripe's do.
 */
final class Ids {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String UPPER = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private Ids() {
    }

    /** A long id: {@code prefix + "1" + time(5) + accountFragment(10) + random(8)}. */
    static String longId(String prefix, long created, String accountFragment, RandomGenerator random) {
        StringBuilder sb = new StringBuilder(prefix.length() + 24).append(prefix).append('1');
        long t = Math.floorMod(created, 916_132_832L); // 62^5
        char[] time = new char[5];
        for (int i = 4; i >= 0; i--) {
            time[i] = ALPHABET.charAt((int) (t % 62));
            t /= 62;
        }
        sb.append(time).append(accountFragment);
        appendRandom(sb, 8, random, ALPHABET);
        return sb.toString();
    }

    /** A short id as customers, products and subscription items have: {@code prefix + random(14)}. */
    static String shortId(String prefix, RandomGenerator random) {
        StringBuilder sb = new StringBuilder(prefix.length() + 14).append(prefix);
        appendRandom(sb, 14, random, ALPHABET);
        return sb.toString();
    }

    /** A coupon id as Stripe generates them: eight upper-case letters and digits. */
    static String couponId(RandomGenerator random) {
        StringBuilder sb = new StringBuilder(8);
        appendRandom(sb, 8, random, UPPER);
        return sb.toString();
    }

    static String random(int length, RandomGenerator random) {
        StringBuilder sb = new StringBuilder(length);
        appendRandom(sb, length, random, ALPHABET);
        return sb.toString();
    }

    /** The ten characters that every long id of an account carries (from {@code acct_1xxxxxFFFFFFFFFF}). */
    static String fragmentOf(String accountId) {
        return accountId.substring(accountId.length() - 10);
    }

    private static void appendRandom(StringBuilder sb, int length, RandomGenerator random, String alphabet) {
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
    }
}
