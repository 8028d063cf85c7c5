package dev.opensigma.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Generates two years of an account's life, deterministically from the seed: the platform and its
 * connected accounts, each with a catalogue, payouts and customer stories until the requested
 * number of objects is reached (every type and child counted), then a few payment links and quotes
 * ({@link OfferStory}, beyond that number). Customer stories are independent,
 * so they are generated in parallel and committed in story order: the result does not depend on
 * the number of threads.
 */
final class History {

    /** The generated store and the world it was generated in. */
    record Generated(Store store, World world) {
    }

    private static final int BATCH = 128;

    private History() {
    }

    static Generated generate(long seed, int scale, int connectedAccounts, long now) {
        Random root = new Random(mix(seed, 0, 0, 0));
        long start = now - World.HISTORY;
        Account platform = Account.of(accountId(root, World.VIRTUAL_START - 370 * World.DAY), true, 0, now - 1100 * World.DAY);
        List<Account> connected = new ArrayList<>();
        for (int i = 1; i <= connectedAccounts; i++) {
            long created = now - (700 - 37L * i % 300) * World.DAY;
            connected.add(Account.of(accountId(root, created - start + World.VIRTUAL_START), false, i, created));
        }
        Accounts accounts = new Accounts(platform, connected);
        String applicationId = "ca_" + Ids.random(32, root);
        Store store = new Store(accounts);
        long windowStart = now - World.EVENT_RETENTION;
        Map<String, Catalog> catalogs = new LinkedHashMap<>();
        World world = new World(accounts, catalogs, applicationId, start, now, windowStart);

        Story setup = story(seed, 0, 1, 0, world);
        for (Account a : connected) {
            setup.create(platform, "account", a.id(), a.created(), Shapes.account(a.id(), a.created(), world.accountName(a),
                    "owner@shop" + a.index() + ".example.com", a.index() % 2 == 0 ? "US" : "DE", world.currency(a), false),
                    null, null, "account");
        }
        store.commit(setup, null);
        int remaining = scale - setup.objectCount();

        Map<Account, Integer> budgets = budgets(accounts, Math.max(remaining, 0));
        for (Account a : accounts.all()) {
            Story catalog = story(seed, a.index(), 2, 0, world);
            catalogs.put(a.id(), new CatalogStory(catalog, world, a).run(budgets.get(a)));
            store.commit(catalog, null);
            budgets.merge(a, -catalog.objectCount(), Integer::sum);
        }
        for (Account a : accounts.all()) {
            Story money = story(seed, a.index(), 3, 0, world);
            new MoneyStory(money, world, a).run(budgets.get(a));
            store.commit(money, null);
            budgets.merge(a, -money.objectCount(), Integer::sum);
        }
        for (Account a : accounts.all()) {
            customers(store, world, seed, a, budgets.get(a));
        }
        for (Account a : accounts.all()) {
            Story offers = story(seed, a.index(), 5, 0, world);
            Listing customers = store.account(a.id()).existingList("customer");
            new OfferStory(offers, world, a, catalogs.get(a.id())).run(customers == null ? List.of() : customers.all());
            store.commit(offers.finish(), null);
        }
        return new Generated(store, world);
    }

    /** Customer stories in parallel batches, committed in order until the budget is spent. */
    private static void customers(Store store, World world, long seed, Account account, int budget) {
        int spent = 0;
        int next = 0;
        while (spent < budget || next < 2) {
            int from = next;
            int size = Math.max(4, Math.min(BATCH, (budget - spent) / 40));
            List<Story> batch = IntStream.range(from, from + size).parallel().mapToObj(i -> {
                Story s = story(seed, account.index(), 4, i, world);
                CustomerStory.Kind kind = i == 0 ? CustomerStory.Kind.SHOWCASE : i == 1 ? CustomerStory.Kind.DELETED
                        : CustomerStory.Kind.ORDINARY;
                new CustomerStory(s, world, account).run(kind);
                return s.finish();
            }).toList();
            for (Story s : batch) {
                if (spent >= budget && next >= 2) {
                    break;
                }
                store.commit(s, null);
                spent += s.objectCount();
                next++;
            }
        }
    }

    /** The platform gets the larger share; each connected account about a tenth. */
    private static Map<Account, Integer> budgets(Accounts accounts, int total) {
        Map<Account, Integer> budgets = new LinkedHashMap<>();
        int connected = accounts.connected().size();
        double share = connected == 0 ? 0 : Math.min(0.1, 0.5 / connected);
        int given = 0;
        for (Account a : accounts.connected()) {
            int b = (int) Math.round(total * share);
            budgets.put(a, b);
            given += b;
        }
        budgets.put(accounts.platform(), total - given);
        return budgets;
    }

    static Story story(long seed, int account, int kind, int index, World world) {
        return new Story(new Random(mix(seed, account, kind, index)), world.start(), world.now(), world.windowStart(),
                world.accounts(),
                Story.WebhookCount.NONE);
    }

    private static String accountId(Random random, long created) {
        return Ids.longId("acct_", created, Ids.random(10, random), random).substring(0, 21);
    }

    /** A well-spread seed per (account, kind of story, story index): murmur3's finalizer. */
    static long mix(long seed, int account, int kind, int index) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        h = fmix(h ^ (account * 0xC2B2AE3D27D4EB4FL));
        h = fmix(h ^ (kind * 0x165667B19E3779F9L));
        return fmix(h ^ (index * 0xFF51AFD7ED558CCDL));
    }

    private static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
