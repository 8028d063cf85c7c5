package dev.opensigma.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An account's catalogue over its history: products with monthly/yearly or one-time prices,
 * legacy prices archived and some deleted, retired products deleted, coupons (some deleted) and
 * tax rates (one deactivated). At least one of each deletion happens inside the event window so
 * {@code price.deleted}, {@code product.deleted} and {@code coupon.deleted} events exist.
 */
final class CatalogStory {

    private static final String[] PLANS = {"Starter", "Growth", "Scale", "Team", "Business", "Enterprise", "Pro", "Plus",
        "Premium", "Essentials"};
    private static final String[] GOODS = {"Onboarding session", "Priority support pack", "Data export", "Training day",
        "Audit report", "Extra seats pack", "Custom domain", "Migration service", "API credits", "Design review"};

    private final Story s;
    private final World w;
    private final Account a;

    CatalogStory(Story s, World w, Account a) {
        this.s = s;
        this.w = w;
        this.a = a;
    }

    Catalog run(int budget) {
        String currency = w.currency(a);
        int products = Math.clamp(budget / 1500, 4, 400);
        List<Obj> recurring = new ArrayList<>();
        List<Obj> oneTime = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < products; i++) {
            boolean plan = i % 2 == 0;
            String name = (plan ? PLANS : GOODS)[(i / 2) % 10] + (i >= 20 ? " " + (i / 20 + 1) : "");
            long t = s.between(w.start(), w.start() + 400 * World.DAY);
            s.apiRequest();
            String productId = Ids.shortId("prod_", s.random);
            Obj product = s.create(a, "product", productId, t,
                    Shapes.product(productId, t, name, plan ? name + " plan, billed per seat" : name), null, "product.created",
                    "product");
            names.put(product.id, name);
            if (plan) {
                long monthly = 900L + 100L * s.random.nextInt(90);
                Obj m = price(product, t, monthly, currency, "month", name + " monthly");
                Obj y = price(product, t, monthly * 10, currency, "year", name + " yearly");
                recurring.add(m);
                recurring.add(y);
                recurring.add(m); // monthly is the common choice
                setDefaultPrice(product, m, t);
            } else {
                Obj p = price(product, t, 2_500L + 500L * s.random.nextInt(60), currency, null, null);
                oneTime.add(p);
                setDefaultPrice(product, p, t);
            }
            if (s.chance(0.4) || i == 0) {
                legacyPrice(product, t, currency, plan, i == 0);
            }
            if (s.chance(0.2)) {
                long renamed = s.between(t + World.DAY, w.now());
                s.apiRequest();
                s.change(product, renamed, "product.updated", n -> n.put("description", n.path("description").asText() + " (updated)")
                        .put("updated", renamed));
            }
        }
        launch(currency);
        int retired = Math.max(1, products / 12);
        for (int i = 0; i < retired; i++) {
            retiredProduct(currency, i == 0);
        }
        List<Obj> coupons = new ArrayList<>();
        int couponCount = Math.clamp(budget / 5000, 3, 100);
        for (int i = 0; i < couponCount; i++) {
            coupons.add(coupon(i == 0));
        }
        List<Obj> taxRates = new ArrayList<>();
        String[][] rates = {{"US", "CA", "7.25", "false", "sales_tax", "Sales tax"}, {"DE", null, "19", "true", "vat", "VAT"},
            {"GB", null, "20", "true", "vat", "VAT"}, {"FR", null, "20", "true", "vat", "TVA"}};
        for (int i = 0; i < rates.length; i++) {
            String[] r = rates[i];
            long t = s.between(w.start(), w.start() + 90 * World.DAY);
            s.apiRequest();
            String rateId = s.id("txr_", a, t);
            Obj rate = s.create(a, "tax_rate", rateId, t,
                    Shapes.taxRate(rateId, t, r[0], r[1], Double.parseDouble(r[2]), Boolean.parseBoolean(r[3]), r[4], r[5]),
                    null, "tax_rate.created", "tax_rate");
            if (i == rates.length - 1) {
                long off = s.between(w.windowStart(), w.now());
                s.apiRequest();
                s.change(rate, off, "tax_rate.updated", n -> n.put("active", false));
            }
            taxRates.add(rate);
        }
        return new Catalog(List.copyOf(recurring), List.copyOf(oneTime), Map.copyOf(names), List.copyOf(coupons),
                List.copyOf(taxRates));
    }

    /** A product launched inside the event window (not yet bought by anyone), so its creation events exist. */
    private void launch(String currency) {
        long t = s.between(w.windowStart() + World.DAY, w.now() - World.DAY);
        String id = Ids.shortId("prod_", s.random);
        s.apiRequest();
        Obj product = s.create(a, "product", id, t, Shapes.product(id, t, "New " + GOODS[s.random.nextInt(GOODS.length)],
                "Just launched"), null, "product.created", "product");
        Obj price = price(product, t, 1_900L + 100L * s.random.nextInt(40), currency, null, null);
        setDefaultPrice(product, price, t);
    }

    private Obj price(Obj product, long t, long amount, String currency, String interval, String nickname) {
        String id = s.id("price_", a, t);
        Obj price = s.create(a, "price", id, t, Shapes.price(id, t, product.id, amount, currency, interval, nickname), null,
                "price.created", "price");
        return price;
    }

    private void setDefaultPrice(Obj product, Obj price, long t) {
        s.change(product, t, "product.updated", n -> n.put("default_price", price.id));
    }

    /** A price nobody buys any more: archived later, sometimes deleted. */
    private void legacyPrice(Obj product, long t, String currency, boolean plan, boolean insideWindow) {
        long amount = plan ? 700L + 100L * s.random.nextInt(50) : 1_500L + 500L * s.random.nextInt(20);
        s.apiRequest();
        Obj legacy = price(product, t, amount, currency, plan ? "month" : null, "Legacy");
        long archived = insideWindow ? s.between(w.windowStart() + World.DAY, w.now() - 2 * World.DAY)
                : s.between(t + 30 * World.DAY, w.now());
        s.apiRequest();
        s.change(legacy, archived, "price.updated", n -> n.put("active", false));
        if (insideWindow || s.chance(0.3)) {
            long deleted = s.between(archived + 60, Math.min(w.now(), archived + 30 * World.DAY));
            s.apiRequest();
            s.delete(legacy, deleted, "price.deleted");
        }
    }

    /** A product that was tried and removed: its price archived and deleted, then the product deleted. */
    private void retiredProduct(String currency, boolean insideWindow) {
        long t = insideWindow ? s.between(w.now() - 120 * World.DAY, w.now() - 60 * World.DAY)
                : s.between(w.start(), w.now() - 60 * World.DAY);
        String name = "Beta " + GOODS[s.random.nextInt(GOODS.length)];
        String id = Ids.shortId("prod_", s.random);
        s.apiRequest();
        Obj product = s.create(a, "product", id, t, Shapes.product(id, t, name, "Retired experiment"), null, "product.created",
                "product");
        Obj price = price(product, t, 4_900, currency, null, null);
        long archived = insideWindow ? s.between(w.windowStart() + World.DAY, w.now() - 3 * World.DAY)
                : s.between(t + World.DAY, t + 50 * World.DAY);
        s.apiRequest();
        s.change(price, archived, "price.updated", n -> n.put("active", false));
        s.change(product, archived, "product.updated", n -> n.put("active", false).put("updated", archived));
        long deleted = archived + 3600;
        s.apiRequest();
        s.delete(price, deleted, "price.deleted");
        s.delete(product, deleted + 1, "product.deleted");
    }

    private Obj coupon(boolean deletedInsideWindow) {
        long t = s.between(w.start(), w.now() - 45 * World.DAY);
        String id = Ids.couponId(s.random);
        s.apiRequest();
        Obj coupon = s.create(a, "coupon", id, t, Shapes.coupon(id, t, s.random), null, "coupon.created", "coupon");
        long last = t;
        if (s.chance(0.1)) {
            long renamed = s.between(t, w.now() - 40 * World.DAY);
            s.change(coupon, renamed, "coupon.updated", n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("metadata"))
                    .put("campaign", "spring"));
            last = renamed;
        }
        if (deletedInsideWindow || s.chance(0.2)) {
            long deleted = deletedInsideWindow ? s.between(w.windowStart() + World.DAY, w.now() - World.DAY)
                    : s.between(last + World.DAY, w.now());
            s.apiRequest();
            s.delete(coupon, deleted, "coupon.deleted");
        }
        return coupon;
    }
}
