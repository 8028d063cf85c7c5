package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An account's offers whose line items Stripe keeps apart from them: payment links and quotes.
 * Neither embeds its {@code line_items} (Stripe leaves the field out unless expanded), and line
 * items have no events of their own, so a mirror learns them only from
 * {@code /v1/payment_links/{id}/line_items} and {@code /v1/quotes/{id}/line_items}. The stories
 * make that matter: a link whose item's quantity changes with a {@code payment_link.updated}, a
 * link deactivated, and draft quotes edited without any event (an item taken off, which leaves
 * the list) before they are finalized, then canceled or left open.
 *
 * <p>Where it differs from Stripe: no quote is accepted here (acceptance creates an invoice or a
 * subscription, which the customer stories own).
 */
final class OfferStory {

    private static final int LINKS = 3;
    private static final int QUOTES = 4;

    private final Story s;
    private final World w;
    private final Account a;
    private final Catalog c;

    OfferStory(Story s, World w, Account a, Catalog c) {
        this.s = s;
        this.w = w;
        this.a = a;
        this.c = c;
    }

    /** Payment links, and quotes for the first of {@code customers} (not deleted ones). */
    void run(Iterable<StoredObject> customers) {
        for (int i = 0; i < LINKS; i++) {
            paymentLink(i);
        }
        int quotes = 0;
        for (StoredObject customer : customers) {
            if (quotes == QUOTES) {
                break;
            }
            if (!customer.deleted() && customer.created < w.now() - 2 * World.DAY) {
                quote(customer, quotes++);
            }
        }
    }

    private void paymentLink(int index) {
        long t = index == 0 ? s.between(w.windowStart() + World.DAY, w.now() - 3 * World.DAY)
                : s.between(w.start(), w.now() - 3 * World.DAY);
        String id = s.id("plink_", a, t);
        s.apiRequest();
        List<Obj> items = items(t, 1 + s.random.nextInt(2), id);
        Obj link = s.create(a, "payment_link", id, t, Shapes.paymentLink(id, w.currency(a), "https://buy.stripe.com/test_"
                + Ids.random(14, s.random)), null, "payment_link.created", "payment_link");
        if (index == 1) { // the seller sells two at a time from now on
            long changed = s.between(Math.max(t, w.windowStart()) + 60, w.now() - World.DAY);
            Obj item = items.getFirst();
            s.apiRequest();
            s.change(item, changed, null, n -> setQuantity(n, 2));
            s.change(link, changed, "payment_link.updated", n -> ((ObjectNode) n.get("metadata")).put("pack", "2"));
        } else if (index == 2) {
            long off = s.between(Math.max(t, w.windowStart()) + 60, w.now() - World.DAY);
            s.apiRequest();
            s.change(link, off, "payment_link.updated", n -> n.put("active", false));
        }
    }

    private void quote(StoredObject customer, int index) {
        long from = Math.max(customer.created + 60, index == 0 ? w.windowStart() + World.DAY : w.start());
        long t = s.between(from, w.now() - 2 * World.DAY);
        String id = s.id("qt_", a, t);
        s.apiRequest();
        List<Obj> items = items(t, 2 + s.random.nextInt(2), id);
        Obj quote = s.create(a, "quote", id, t, Shapes.quote(id, t, customer.id, w.currency(a), total(items)), null,
                "quote.created", "quote");
        long finalized = s.between(t + 600, Math.min(w.now() - World.DAY, t + 3 * World.DAY));
        if (index % 2 == 0) { // a line taken off the draft: Stripe sends no event for the edit
            Obj dropped = items.removeLast();
            s.apiRequest();
            s.delete(dropped, s.between(t + 60, finalized - 60), null);
            long amount = total(items);
            s.change(quote, finalized - 60, null, n -> setAmount(n, amount));
        }
        s.apiRequest();
        String prefix = a.fragment().toUpperCase(java.util.Locale.ROOT);
        String number = "QT-" + prefix.substring(0, Math.min(8, prefix.length())) + "-" + String.format("%04d", index + 1);
        s.change(quote, finalized, "quote.finalized", n -> {
            n.put("status", "open").put("number", number);
            ((ObjectNode) n.get("status_transitions")).put("finalized_at", finalized);
        });
        long expires = quote.number("expires_at");
        if (index % 3 != 1) {
            long canceled = Math.min(s.between(finalized + 60, finalized + 20 * World.DAY), expires);
            if (canceled <= w.now()) {
                if (canceled < expires) {
                    s.apiRequest();
                } else {
                    s.automatic();
                }
                s.change(quote, canceled, "quote.canceled", n -> {
                    n.put("status", "canceled");
                    ((ObjectNode) n.get("status_transitions")).put("canceled_at", canceled);
                });
            }
        }
    }

    private List<Obj> items(long t, int count, String parentId) {
        List<Obj> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Obj price = c.oneTimePrice(s.random);
            ObjectNode item = Shapes.checkoutItem(s.id("li_", a, t), price.node, c.productName(price), 1);
            items.add(s.create(a, "item", item.path("id").asText(), t, item, parentId, null,
                    Resources.childKey(parentId, "line_items")));
        }
        return items;
    }

    private static long total(List<Obj> items) {
        return items.stream().mapToLong(i -> i.number("amount_total")).sum();
    }

    private static void setQuantity(ObjectNode item, int quantity) {
        long amount = item.path("price").path("unit_amount").asLong() * quantity;
        item.put("quantity", quantity).put("amount_subtotal", amount).put("amount_total", amount);
    }

    private static void setAmount(ObjectNode quote, long amount) {
        quote.put("amount_subtotal", amount).put("amount_total", amount);
        ObjectNode upfront = (ObjectNode) quote.get("computed").get("upfront");
        upfront.put("amount_subtotal", amount).put("amount_total", amount);
    }
}
