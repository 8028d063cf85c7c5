package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Changes happening now, while the simulator runs ({@link StripeSimulator#generateActivity} and the
 * live thread): signups, purchases, one-off invoices, customer and subscription updates,
 * cancellations, refunds, disputes, catalogue changes, and deletions of customers, products,
 * prices and coupons. Each change is one story committed at once, with its events and webhook
 * deliveries. Serialized: one change at a time.
 *
 * <p>A Checkout Session stays open until its customer pays or Stripe expires it, 24 hours after
 * it was created. The open ones (from the generated history, and the live purchases) are kept with
 * the moment they complete or expire, and settled by the first round of changes after it, at that
 * round's time: events are never dated in the past of the feed.
 */
final class Activity {

    private enum Change { SIGNUP, PURCHASE, INVOICE, CUSTOMER_UPDATE, SUBSCRIPTION_UPDATE, CANCELLATION, REFUND, DISPUTE,
        PRODUCT_LAUNCH, PRICE_ARCHIVE, PRODUCT_DELETE, COUPON_CREATE, COUPON_DELETE, CUSTOMER_DELETE }

    private static final Change[] WEIGHTED = weighted(Map.ofEntries(
            Map.entry(Change.SIGNUP, 20), Map.entry(Change.PURCHASE, 12), Map.entry(Change.INVOICE, 8),
            Map.entry(Change.CUSTOMER_UPDATE, 14), Map.entry(Change.SUBSCRIPTION_UPDATE, 10),
            Map.entry(Change.CANCELLATION, 6), Map.entry(Change.REFUND, 8), Map.entry(Change.DISPUTE, 3),
            Map.entry(Change.PRODUCT_LAUNCH, 3), Map.entry(Change.PRICE_ARCHIVE, 4), Map.entry(Change.PRODUCT_DELETE, 3),
            Map.entry(Change.COUPON_CREATE, 3), Map.entry(Change.COUPON_DELETE, 3), Map.entry(Change.CUSTOMER_DELETE, 3)));

    private final Store store;
    private final World world;
    private final Webhooks webhooks;
    private final Api.Clock clock;
    private final Random random;
    private final Map<String, List<String>> ids = new HashMap<>();
    private final Set<String> inUse = new HashSet<>();
    private final PriorityQueue<OpenSession> openSessions = new PriorityQueue<>(Comparator.comparingLong(OpenSession::at));

    /** An open Checkout Session, and when it is paid ({@code pays}) or expires. */
    private record OpenSession(String account, String id, long at, boolean pays) {
    }

    Activity(Store store, World world, Webhooks webhooks, Api.Clock clock, long seed) {
        this.store = store;
        this.world = world;
        this.webhooks = webhooks;
        this.clock = clock;
        this.random = new Random(History.mix(seed, 0, 9, 0));
        for (Catalog c : world.catalogs().values()) {
            c.recurringPrices().forEach(p -> inUse.add(p.id));
            c.oneTimePrices().forEach(p -> inUse.add(p.id));
        }
        for (Account a : store.accounts().all()) {
            Listing sessions = store.account(a.id()).existingList("checkout.session");
            if (sessions != null) {
                for (StoredObject o : sessions.all()) {
                    if (!o.deleted() && "open".equals(o.facet(SESSION_STATUS))) {
                        track(a.id(), o.id, o.created, clock.now() - o.created < PAY_WITHIN);
                    }
                }
            }
        }
    }

    private static final int SESSION_STATUS = Resources.facets("checkout.session").indexOf("status");
    /** A customer who pays does so within ten minutes of opening the session. */
    private static final int PAY_WITHIN = 630;

    /** Keeps an open session until it is paid (85 % of those that still can be) or expires. */
    private void track(String account, String id, long created, boolean canPay) {
        boolean pays = canPay && random.nextDouble() < 0.85;
        openSessions.add(new OpenSession(account, id, pays ? created + 30 + random.nextInt(PAY_WITHIN - 30) : created + World.DAY,
                pays));
    }

    /** Makes {@code count} changes now; returns the number of events they recorded. */
    int generate(int count) {
        return generate(count, null);
    }

    /**
     * Makes {@code count} changes now whose events show in {@code /v1/events} only from
     * {@code listedFrom} on (null: at once); their webhooks go out at once either way.
     */
    synchronized int generate(int count, Instant listedFrom) {
        int events = settleOpenSessions(listedFrom);
        for (int i = 0; i < count; i++) {
            World w = world.at(clock.now());
            List<Account> accounts = store.accounts().all();
            Account a = accounts.size() == 1 || random.nextDouble() < 0.8 ? store.accounts().platform()
                    : accounts.get(1 + random.nextInt(accounts.size() - 1));
            Change change = WEIGHTED[random.nextInt(WEIGHTED.length)];
            Story s = story(w);
            if (!apply(change, s, w, a)) {
                s = story(w);
                new CustomerStory(s, w, a).run(CustomerStory.Kind.LIVE);
            }
            events += commit(s, listedFrom);
            for (Obj o : s.created()) {
                if (o.type.equals("checkout.session") && "open".equals(o.node.path("status").asText())) {
                    track(o.account, o.id, o.created, true);
                }
            }
        }
        return events;
    }

    /** Pays or expires the open sessions whose moment has come, now. */
    private int settleOpenSessions(Instant listedFrom) {
        int events = 0;
        World w = world.at(clock.now());
        while (!openSessions.isEmpty() && openSessions.peek().at() <= w.now()) {
            OpenSession due = openSessions.poll();
            AccountData data = store.account(due.account());
            StoredObject stored = data.byId.get(due.id());
            if (stored == null || stored.deleted() || !"open".equals(stored.facet(SESSION_STATUS))) {
                continue;
            }
            Account a = store.accounts().get(due.account());
            Obj session = store.load(stored);
            StoredObject customer = data.byId.get(session.node.path("customer").asText(""));
            Obj card = customer == null || customer.deleted() ? null : firstChild(a, customer.id, "payment_methods");
            if (due.pays() && card == null) {
                // The customer is gone (deleted meanwhile): nobody pays, Stripe expires it in time.
                openSessions.add(new OpenSession(due.account(), due.id(), stored.created + World.DAY, false));
                continue;
            }
            Story s = story(w);
            if (due.pays()) {
                new CustomerStory(s, w, a, store.load(customer), card).completeCheckout(session, w.now());
            } else {
                new CustomerStory(s, w, a, null, null).expireCheckout(session, w.now());
            }
            events += commit(s, listedFrom);
        }
        return events;
    }

    private Story story(World w) {
        return new Story(new Random(random.nextLong()), w.start(), w.now(), w.windowStart(), store.accounts(),
                webhooks::pending);
    }

    /** Commits a story with its events and webhooks; returns the number of events. */
    private int commit(Story s, Instant listedFrom) {
        int events = store.commit(s, event -> {
            if (listedFrom != null) {
                store.account(event.account).listFrom(event.id, listedFrom);
            }
            webhooks.deliver(event);
        }).size();
        for (Obj o : s.created()) {
            List<String> list = ids.get(o.account + " " + o.type);
            if (list != null) {
                list.add(o.id);
            }
        }
        return events;
    }

    /** Applies one change; false when nothing suitable existed (the caller signs a customer up instead). */
    private boolean apply(Change change, Story s, World w, Account a) {
        long now = w.now();
        switch (change) {
            case SIGNUP -> {
                new CustomerStory(s, w, a).run(CustomerStory.Kind.LIVE);
                return true;
            }
            case PURCHASE, INVOICE -> {
                Obj customer = pick(a, "customer", o -> true);
                Obj card = customer == null ? null : firstChild(a, customer.id, "payment_methods");
                if (card == null) {
                    return false;
                }
                CustomerStory story = new CustomerStory(s, w, a, customer, card);
                if (change == Change.PURCHASE) {
                    story.checkout(now, true);
                } else {
                    story.oneOffInvoice(now);
                }
                return true;
            }
            case CUSTOMER_UPDATE -> {
                Obj customer = pick(a, "customer", o -> true);
                if (customer == null) {
                    return false;
                }
                s.apiRequest();
                String segment = random.nextBoolean() ? "smb" : random.nextBoolean() ? "enterprise" : "startup";
                s.change(customer, now, "customer.updated", n -> {
                    ((ObjectNode) n.get("metadata")).put("segment", segment);
                    if (random.nextBoolean()) {
                        n.put("email", "updated." + n.path("email").asText());
                    }
                });
                return true;
            }
            case SUBSCRIPTION_UPDATE, CANCELLATION -> {
                Obj sub = pick(a, "subscription", o -> !"canceled".equals(o.facet(Resources.facets("subscription").indexOf("status"))));
                if (sub == null) {
                    return false;
                }
                s.apiRequest();
                if (change == Change.CANCELLATION) {
                    s.change(sub, now, "customer.subscription.deleted", n -> {
                        n.put("status", "canceled").put("canceled_at", now).put("ended_at", now);
                        ((ObjectNode) n.get("cancellation_details")).put("reason", "cancellation_requested");
                    });
                } else {
                    Obj item = sub.embedded().getFirst();
                    int quantity = 1 + random.nextInt(20);
                    s.change(sub, now, "customer.subscription.updated", n -> s.change(item, now, null,
                            in -> in.put("quantity", quantity)));
                }
                return true;
            }
            case REFUND, DISPUTE -> {
                Obj charge = pick(a, "charge", o -> !Store.parse(o.bytes()).path("refunded").asBoolean()
                        && Store.parse(o.bytes()).path("status").asText().equals("succeeded"));
                if (charge == null || charge.node.path("disputed").asBoolean()) {
                    return false;
                }
                CustomerStory story = new CustomerStory(s, w, a, null, null);
                if (change == Change.REFUND) {
                    story.refund(charge, now, charge.number("amount") - charge.number("amount_refunded"), "requested_by_customer");
                } else {
                    story.dispute(charge, now);
                }
                return true;
            }
            case PRODUCT_LAUNCH -> {
                String id = Ids.shortId("prod_", s.random);
                s.apiRequest();
                Obj product = s.create(a, "product", id, now, Shapes.product(id, now, "Launch " + Ids.random(4, s.random),
                        "Launched while the simulator ran"), null, "product.created", "product");
                String priceId = s.id("price_", a, now);
                s.create(a, "price", priceId, now, Shapes.price(priceId, now, product.id, 1_000L + 100L * random.nextInt(50),
                        w.currency(a), null, null), null, "price.created", "price");
                s.change(product, now, "product.updated", n -> n.put("default_price", priceId));
                return true;
            }
            case PRICE_ARCHIVE -> {
                int active = Resources.facets("price").indexOf("active");
                Obj price = pick(a, "price", o -> !inUse.contains(o.id) && "true".equals(o.facet(active)));
                if (price == null) {
                    return false;
                }
                s.apiRequest();
                s.change(price, now, "price.updated", n -> n.put("active", false));
                if (random.nextBoolean()) {
                    s.delete(price, now, "price.deleted");
                }
                return true;
            }
            case PRODUCT_DELETE -> {
                Set<String> withPrices = new HashSet<>();
                Listing prices = store.account(a.id()).existingList("price");
                if (prices != null) {
                    int product = Resources.facets("price").indexOf("product");
                    for (StoredObject p : prices.all()) {
                        if (!p.deleted()) {
                            withPrices.add(p.facet(product));
                        }
                    }
                }
                Obj product = pick(a, "product", o -> !withPrices.contains(o.id));
                if (product == null) {
                    return false;
                }
                s.apiRequest();
                s.delete(product, now, "product.deleted");
                return true;
            }
            case COUPON_CREATE -> {
                String id = Ids.couponId(s.random);
                s.apiRequest();
                s.create(a, "coupon", id, now, Shapes.coupon(id, now, s.random), null, "coupon.created", "coupon");
                return true;
            }
            case COUPON_DELETE -> {
                Obj coupon = pick(a, "coupon", o -> true);
                if (coupon == null) {
                    return false;
                }
                s.apiRequest();
                s.delete(coupon, now, "coupon.deleted");
                return true;
            }
            case CUSTOMER_DELETE -> {
                Set<String> subscribed = new HashSet<>();
                Listing subs = store.account(a.id()).existingList("subscription");
                if (subs != null) {
                    List<String> facets = Resources.facets("subscription");
                    for (StoredObject sub : subs.all()) {
                        if (!"canceled".equals(sub.facet(facets.indexOf("status")))) {
                            subscribed.add(sub.facet(facets.indexOf("customer")));
                        }
                    }
                }
                Obj customer = pick(a, "customer", o -> !subscribed.contains(o.id));
                if (customer == null) {
                    return false;
                }
                s.apiRequest();
                AccountData data = store.account(a.id());
                for (String list : new String[] {"payment_methods", "tax_ids"}) {
                    Listing children = data.existingList(Resources.childKey(customer.id, list));
                    if (children == null) {
                        continue;
                    }
                    for (StoredObject c : children.all()) {
                        if (c.deleted()) {
                            continue;
                        }
                        Obj child = store.load(c);
                        if ("payment_method".equals(child.type)) {
                            s.change(child, now, "payment_method.detached", n -> n.putNull("customer"));
                            child.deleted = true;
                        } else {
                            s.delete(child, now, "customer.tax_id.deleted");
                        }
                    }
                }
                s.delete(customer, now, "customer.deleted");
                return true;
            }
            default -> throw new IllegalStateException("Unhandled change " + change);
        }
    }

    /** A random live object of {@code type} in the account that passes {@code test}, loaded to be changed; or null. */
    private Obj pick(Account a, String type, Predicate<StoredObject> test) {
        List<String> candidates = ids.computeIfAbsent(a.id() + " " + type, k -> {
            List<String> all = new ArrayList<>();
            Listing listing = store.account(a.id()).existingList(type);
            if (listing != null) {
                for (StoredObject o : listing.all()) {
                    all.add(o.id);
                }
            }
            return all;
        });
        AccountData data = store.account(a.id());
        for (int tries = 0; tries < 30 && !candidates.isEmpty(); tries++) {
            StoredObject o = data.byId.get(candidates.get(random.nextInt(candidates.size())));
            if (o != null && !o.deleted() && test.test(o)) {
                return store.load(o);
            }
        }
        return null;
    }

    private Obj firstChild(Account a, String parentId, String list) {
        Listing children = store.account(a.id()).existingList(Resources.childKey(parentId, list));
        if (children == null) {
            return null;
        }
        for (StoredObject c : children.all()) {
            if (!c.deleted()) {
                return store.load(c);
            }
        }
        return null;
    }

    private static Change[] weighted(Map<Change, Integer> weights) {
        List<Change> all = new ArrayList<>();
        for (Change c : Change.values()) {
            for (int i = 0; i < weights.getOrDefault(c, 0); i++) {
                all.add(c);
            }
        }
        return all.toArray(Change[]::new);
    }
}
