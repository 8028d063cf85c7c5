package dev.opensigma.sim;

/**
 * A Stripe account the simulator holds: the platform, or one of its connected accounts.
 *
 * @param fragment the ten characters every long id of the account carries
 * @param index    0 for the platform, 1.. for connected accounts (seeds their stories)
 */
record Account(String id, String fragment, boolean platform, int index, long created) {

    static Account of(String id, boolean platform, int index, long created) {
        return new Account(id, Ids.fragmentOf(id), platform, index, created);
    }
}
