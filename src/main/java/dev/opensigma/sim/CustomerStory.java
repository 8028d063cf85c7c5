package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One customer's life in an account: signup with a card (sometimes a tax id, a setup intent),
 * subscriptions billed every period (trials, failed payments, past due, cancellations), one-off
 * checkout purchases, and what follows payments (refunds, disputes, early fraud warnings, credit
 * notes); on a connected account every charge also leaves an application fee on the platform.
 * Changes to one object happen in time order and never after {@code now}.
 */
final class CustomerStory {

    /**
     * The kind of life: an ordinary one, a showcase with every feature, one ending deleted inside
     * the window, or a signup happening now.
     */
    enum Kind { ORDINARY, SHOWCASE, DELETED, LIVE }

    private static final long HOUR = 3600;
    private static final long DAY = World.DAY;

    private final Story s;
    private final World w;
    private final Account a;
    private final Catalog c;
    private final String currency;
    private Obj customer;
    private Obj card;
    private int invoiceNumber;
    private long lastActivity;
    private boolean subscribed;

    CustomerStory(Story s, World w, Account a) {
        this.s = s;
        this.w = w;
        this.a = a;
        this.c = w.catalog(a.id());
        this.currency = w.currency(a);
    }

    /** A story continuing an existing customer's life (the customer and card loaded from the store; either may be null). */
    CustomerStory(Story s, World w, Account a, Obj customer, Obj card) {
        this(s, w, a);
        this.customer = customer;
        this.card = card;
        this.lastActivity = w.now();
    }

    void run(Kind kind) {
        long t0 = switch (kind) {
            case SHOWCASE -> w.now() - 100 * DAY + s.random.nextInt(3600);
            case DELETED -> w.now() - 40 * DAY + s.random.nextInt(3600);
            case LIVE -> w.now();
            default -> w.start() + (long) ((w.now() - HOUR - w.start()) * Math.sqrt(s.random.nextDouble()));
        };
        signup(t0, kind == Kind.SHOWCASE);
        if (kind == Kind.SHOWCASE) {
            subscribe(t0 + 60, "active", true);
            subscribe(t0 + 120, "canceled", false);
            subscribe(t0 + 180, "past_due", false);
            subscribe(w.now() - 5 * DAY, "trialing", false);
            showcaseAftermath();
        } else if (kind == Kind.DELETED) {
            checkout(t0 + HOUR, false);
        } else if (kind == Kind.LIVE) {
            if (s.chance(0.5)) {
                subscribe(t0, "active", false);
            } else if (s.chance(0.6)) {
                checkout(t0, true);
            }
            return;
        } else {
            if (s.chance(0.55)) {
                double f = s.random.nextDouble();
                String fate = f < 0.25 ? "canceled" : f < 0.33 ? "past_due" : "active";
                subscribe(t0 + s.between(60, 3 * DAY), fate, false);
                if (s.chance(0.1)) {
                    subscribe(s.between(t0 + 10 * DAY, w.now()), s.chance(0.5) ? "active" : "canceled", false);
                }
            }
            if (s.chance(0.35)) {
                int purchases = 1 + s.random.nextInt(3);
                for (int i = 0; i < purchases; i++) {
                    checkout(s.between(t0 + 60, w.now()), false);
                }
            }
        }
        if (kind != Kind.DELETED && s.chance(0.25) && customer.created < w.now() - DAY) {
            long t = s.between(customer.created + HOUR, w.now());
            s.apiRequest();
            s.change(customer, t, "customer.updated", n -> ((ObjectNode) n.get("metadata")).put("segment",
                    s.chance(0.5) ? "smb" : "enterprise"));
            lastActivity = Math.max(lastActivity, t);
        }
        if (kind == Kind.DELETED || (!subscribed && kind == Kind.ORDINARY && s.chance(0.06))) {
            long t = kind == Kind.DELETED ? w.now() - 5 * DAY : s.between(lastActivity + HOUR, lastActivity + 90 * DAY);
            if (t <= w.now() && t > lastActivity) {
                deleteCustomer(t);
            }
        }
    }

    // ---- signup -----------------------------------------------------------------------------

    private void signup(long t, boolean showcase) {
        People p = new People(s.random);
        s.apiRequest();
        String id = Ids.shortId("cus_", s.random);
        customer = s.create(a, "customer", id, t, Shapes.customer(id, t, p, currency), null, "customer.created", "customer");
        String pmId = s.id("pm_", a, t);
        card = s.create(a, "payment_method", pmId, t, Shapes.paymentMethod(pmId, t, id, p, s.random), id,
                "payment_method.attached", Resources.childKey(id, "payment_methods"));
        s.change(customer, t, "customer.updated", n -> ((ObjectNode) n.get("invoice_settings")).put("default_payment_method", pmId));
        if (showcase || s.chance(0.15)) {
            String txi = s.id("txi_", a, t);
            s.create(a, "tax_id", txi, t, Shapes.taxId(txi, t, id, p.country(), s.random), id, "customer.tax_id.created",
                    Resources.childKey(id, "tax_ids"));
        }
        if (showcase || s.chance(0.4)) {
            String seti = s.id("seti_", a, t);
            Obj setup = s.create(a, "setup_intent", seti, t, Shapes.setupIntent(seti, t, id, pmId, s.random), null,
                    "setup_intent.created", "setup_intent");
            s.change(setup, t, "setup_intent.succeeded", n -> n.put("status", "succeeded"));
        }
        lastActivity = t;
    }

    private void deleteCustomer(long t) {
        s.apiRequest();
        for (Obj o : s.created()) {
            if (customer.id.equals(o.parentId) && !o.deleted) {
                if ("payment_method".equals(o.type)) {
                    s.change(o, t, "payment_method.detached", n -> n.putNull("customer"));
                    o.deleted = true; // detached: no list shows it any more
                } else if ("tax_id".equals(o.type)) {
                    s.delete(o, t, "customer.tax_id.deleted");
                }
            }
        }
        s.delete(customer, t, "customer.deleted");
    }

    // ---- subscriptions ----------------------------------------------------------------------

    private void subscribe(long t, String fate, boolean manyLines) {
        subscribed = true;
        List<Obj> prices = new ArrayList<>();
        Obj first = c.recurringPrice(s.random);
        prices.add(first);
        if (s.chance(0.15)) {
            Obj second = c.recurringPrice(s.random);
            if (second != first && second.node.path("recurring").path("interval")
                    .equals(first.node.path("recurring").path("interval"))) {
                prices.add(second);
            }
        }
        String interval = first.node.path("recurring").path("interval").asText();
        boolean trial = "trialing".equals(fate) || s.chance(0.2);
        long trialEnd = t + 14 * DAY;
        long cancelAt = Long.MAX_VALUE;
        if ("canceled".equals(fate)) {
            long latest = w.now() - HOUR;
            cancelAt = s.between(t + 20 * DAY, Math.min(latest, t + 400 * DAY));
            if (cancelAt > latest || cancelAt <= t) {
                cancelAt = Long.MAX_VALUE;
            }
        }
        if ("trialing".equals(fate) && trialEnd <= w.now()) {
            fate = "active";
        }
        s.apiRequest();
        String subId = s.id("sub_", a, t);
        long firstEnd = trial ? trialEnd : w.nextPeriod(t, interval);
        ObjectNode node = Shapes.subscription(subId, t, customer.id, currency, card.id);
        if (trial) {
            node.put("status", "trialing").put("trial_start", t).put("trial_end", trialEnd);
        }
        Obj sub = s.create(a, "subscription", subId, t, node, null, null, "subscription");
        List<Obj> items = new ArrayList<>();
        for (Obj price : prices) {
            String siId = Ids.shortId("si_", s.random);
            int quantity = s.chance(0.7) ? 1 : 1 + s.random.nextInt(9);
            Obj item = s.create(a, "subscription_item", siId, t,
                    Shapes.subscriptionItem(siId, t, subId, price.node, quantity, t, firstEnd), subId, null,
                    Resources.childKey(subId, "items"));
            sub.embed(item);
            items.add(item);
        }
        // The first invoice exists before the subscription event that names it, as on Stripe.
        Obj invoice = invoice(sub, items, t, t, firstEnd, "subscription_create", trial, manyLines ? 25 : 0);
        sub.node.put("latest_invoice", invoice.id);
        s.emit("customer.subscription.created", sub, null, t);
        s.emit("invoice.created", invoice, null, t);
        boolean pastDueNow = settle(sub, invoice, t, trial, false, true, "Subscription creation");

        long periodStart = firstEnd;
        boolean trialing = trial;
        // Cancellation comes after the last period's payment attempts (and a retry three days on).
        while (periodStart <= w.now() && periodStart + 4 * DAY < cancelAt) {
            long start = periodStart;
            long end = w.nextPeriod(start, interval);
            s.automatic();
            boolean lastPeriod = w.nextPeriod(start, interval) > w.now();
            boolean forcedManyLines = !manyLines && s.chance(0.03);
            int extraLines = forcedManyLines ? 11 + s.random.nextInt(15) : 0;
            // Now and then the customer drops the add-on at a renewal: Stripe deletes the item and
            // sends no event of its own; the subscription's next version just lists it no longer.
            Obj dropped = items.size() > 1 && s.chance(0.2) ? items.removeLast() : null;
            Obj renewal = invoice(sub, items, start, start, end, "subscription_cycle", false, extraLines);
            boolean endTrial = trialing;
            trialing = false;
            boolean wasPastDue = pastDueNow;
            s.change(sub, start, "customer.subscription.updated", n -> {
                if (dropped != null) {
                    sub.unembed(dropped);
                    s.delete(dropped, start, null);
                }
                for (Obj item : items) {
                    s.change(item, start, null, in -> in.put("current_period_start", start).put("current_period_end", end));
                }
                n.put("latest_invoice", renewal.id);
                if (endTrial || wasPastDue) {
                    n.put("status", "active");
                }
            });
            s.emit("invoice.created", renewal, null, start);
            if (extraLines > 0 && s.chance(0.5)) {
                takeOffAUsageLine(renewal, start + HOUR / 3);
            }
            boolean finalFailure = "past_due".equals(fate) && lastPeriod;
            pastDueNow = settle(sub, renewal, start + HOUR, false, finalFailure || s.chance(0.03), !finalFailure,
                    "Subscription update");
            periodStart = end;
        }
        if (cancelAt != Long.MAX_VALUE) {
            long at = cancelAt;
            if (at <= w.now()) {
                s.apiRequest();
                s.change(sub, at, "customer.subscription.deleted", n -> {
                    n.put("status", "canceled").put("canceled_at", at).put("ended_at", at);
                    ((ObjectNode) n.get("cancellation_details")).put("reason", "cancellation_requested");
                });
            }
        }
    }

    /** An invoice in draft with its lines: one per subscription item, plus {@code extraLines} invoice items. */
    private Obj invoice(Obj sub, List<Obj> items, long t, long periodStart, long periodEnd, String reason, boolean free,
                        int extraLines) {
        String id = s.id("in_", a, t);
        Obj invoice = s.create(a, "invoice", id, t,
                Shapes.invoice(id, t, customer.node, sub.id, reason, periodStart, periodEnd, w.accountName(a)), null, null,
                "invoice");
        long total = 0;
        for (Obj item : items) {
            ObjectNode price = (ObjectNode) item.node.get("price");
            int quantity = item.node.path("quantity").asInt();
            long amount = free ? 0 : price.path("unit_amount").asLong() * quantity;
            String name = c.productNames().getOrDefault(price.path("product").asText(), "Plan");
            String description = quantity + " × " + name + (free ? " (trial)" : "");
            line(invoice, amount, quantity, description, periodStart, periodEnd, sub.id, item.id, null,
                    price.path("id").asText(), price.path("product").asText(), t);
            total += amount;
        }
        int extras = extraLines > 0 ? extraLines : (!free && s.chance(0.15) ? 1 : 0);
        for (int k = 0; k < extras; k++) {
            Obj price = c.oneTimePrice(s.random);
            long amount = extraLines > 0 ? 100L * (1 + s.random.nextInt(30)) : price.number("unit_amount");
            String description = extraLines > 0 ? "Usage: " + c.productName(price) + " #" + (k + 1) : c.productName(price);
            String iiId = s.id("ii_", a, t);
            s.create(a, "invoiceitem", iiId, t, Shapes.invoiceItem(iiId, t, customer.id, id, amount, description, sub.id,
                    price.id, price.text("product"), currency), null, "invoiceitem.created", "invoiceitem");
            line(invoice, amount, 1, description, t, t, sub.id, null, iiId, price.id, price.text("product"), t);
            total += amount;
        }
        invoice.node.put("amount_due", total).put("amount_remaining", total).put("subtotal", total)
                .put("subtotal_excluding_tax", total).put("total", total).put("total_excluding_tax", total);
        return invoice;
    }

    /**
     * The merchant deletes one of a draft's usage invoice items before it is finalized: Stripe
     * sends {@code invoiceitem.deleted} and {@code invoice.updated}; the line leaves the invoice
     * without an event of its own (past the tenth, no event shows it either way).
     */
    private void takeOffAUsageLine(Obj invoice, long t) {
        if (t > w.now()) {
            return;
        }
        List<Obj> usage = invoice.embedded().stream()
                .filter(l -> l.node.path("parent").path("invoice_item_details").path("invoice_item").isTextual()).toList();
        if (usage.isEmpty()) {
            return;
        }
        Obj line = usage.get(s.random.nextInt(usage.size()));
        String itemId = line.node.path("parent").path("invoice_item_details").path("invoice_item").asText();
        Obj item = s.created().stream().filter(o -> o.id.equals(itemId)).findFirst().orElseThrow();
        long amount = line.number("amount");
        s.apiRequest();
        s.delete(item, t, "invoiceitem.deleted");
        s.change(invoice, t, "invoice.updated", n -> {
            invoice.unembed(line);
            s.delete(line, t, null);
            for (String total : List.of("amount_due", "amount_remaining", "subtotal", "subtotal_excluding_tax", "total",
                    "total_excluding_tax")) {
                n.put(total, n.path(total).asLong() - amount);
            }
        });
    }

    private void line(Obj invoice, long amount, int quantity, String description, long start, long end, String sub,
                      String item, String invoiceItem, String price, String product, long t) {
        String id = s.id("il_", a, t);
        Obj line = s.create(a, "line_item", id, t, Shapes.invoiceLine(id, invoice.id, amount, quantity, description, start,
                end, sub, item, invoiceItem, price, product, currency), invoice.id, null, Resources.childKey(invoice.id, "lines"));
        invoice.embed(line);
    }

    /**
     * Finalizes and pays an invoice at {@code t} (if {@code t} has come): returns true when the
     * payment failed and the subscription is now past due.
     */
    private boolean settle(Obj sub, Obj invoice, long t, boolean free, boolean fail, boolean retry, String description) {
        if (t > w.now()) {
            return false; // still a draft: finalizes in an hour
        }
        finalizeInvoice(invoice, t);
        if (free || invoice.number("amount_due") == 0) {
            markPaid(invoice, t, 0);
            return false;
        }
        long amount = invoice.number("amount_due");
        Obj intent = intent(t, amount, description);
        if (!fail) {
            Obj charge = charge(intent, t, true);
            markPaid(invoice, t, amount);
            afterPayment(charge, invoice, t);
            return false;
        }
        charge(intent, t, false);
        s.change(invoice, t, "invoice.payment_failed", n -> n.put("attempted", true).put("attempt_count", 1)
                .put("next_payment_attempt", t + 3 * DAY));
        s.change(sub, t, "customer.subscription.updated", n -> n.put("status", "past_due"));
        long again = t + 3 * DAY;
        if (retry && again <= w.now() && s.chance(0.7)) {
            s.automatic();
            Obj charge = charge(intent, again, true);
            markPaid(invoice, again, amount);
            s.change(sub, again, "customer.subscription.updated", n -> n.put("status", "active"));
            afterPayment(charge, invoice, again);
            return false;
        }
        return true;
    }

    private void finalizeInvoice(Obj invoice, long t) {
        invoiceNumber++;
        String number = customer.node.path("invoice_prefix").asText() + "-" + String.format("%04d", invoiceNumber);
        s.change(invoice, t, "invoice.finalized", n -> {
            n.put("status", "open").put("number", number).put("effective_at", t).put("ending_balance", 0)
                    .putNull("automatically_finalizes_at")
                    .put("hosted_invoice_url", "https://invoice.stripe.com/i/" + a.id() + "/test_" + Ids.random(40, s.random))
                    .put("invoice_pdf", "https://pay.stripe.com/invoice/" + a.id() + "/test_" + Ids.random(40, s.random) + "/pdf");
            ((ObjectNode) n.get("status_transitions")).put("finalized_at", t);
        });
        lastActivity = Math.max(lastActivity, t);
    }

    private void markPaid(Obj invoice, long t, long amount) {
        s.change(invoice, t, "invoice.paid", n -> {
            n.put("status", "paid").put("amount_paid", amount).put("amount_remaining", 0).put("attempted", true)
                    .put("attempt_count", amount == 0 ? 0 : Math.max(1, n.path("attempt_count").asInt()))
                    .put("auto_advance", false).putNull("next_payment_attempt");
            ((ObjectNode) n.get("status_transitions")).put("paid_at", t);
        });
        s.emit("invoice.payment_succeeded", invoice, null, t);
    }

    // ---- payments ---------------------------------------------------------------------------

    private Obj intent(long t, long amount, String description) {
        String id = s.id("pi_", a, t);
        ObjectNode node = Shapes.paymentIntent(id, t, customer.id, amount, currency, description, card.id, s.random);
        if (!a.platform()) {
            node.put("application_fee_amount", fee(amount));
        }
        return s.create(a, "payment_intent", id, t, node, null, "payment_intent.created", "payment_intent");
    }

    /** A charge attempt on {@code intent} at {@code t}; a success settles the intent (and, on Connect, leaves a fee). */
    private Obj charge(Obj intent, long t, boolean succeeded) {
        String id = s.id("ch_", a, t);
        long amount = intent.number("amount");
        String txnId = null;
        ObjectNode txn = null;
        if (succeeded) {
            txnId = s.id("txn_", a, t);
            long stripeFee = Math.round(amount * 0.029) + 30;
            txn = Shapes.balanceTransaction(txnId, t, amount, stripeFee, currency, "charge", "charge", id,
                    intent.text("description"), w.midnightAfter(t, 2), w.now());
            s.create(a, "balance_transaction", txnId, t, txn, null, null, "balance_transaction");
        }
        ObjectNode node = Shapes.charge(id, t, intent.node, card.node, succeeded, txnId, s.random);
        String feeId = null;
        if (succeeded && !a.platform()) {
            Account platform = w.accounts().platform();
            feeId = s.id("fee_", platform, t);
            long fee = fee(amount);
            node.put("application", w.applicationId()).put("application_fee", feeId).put("application_fee_amount", fee);
            txn.put("fee", txn.path("fee").asLong() + fee).put("net", amount - txn.path("fee").asLong() - fee);
            ((com.fasterxml.jackson.databind.node.ArrayNode) txn.get("fee_details")).addObject().put("amount", fee)
                    .put("application", w.applicationId()).put("currency", currency).put("description", "Application fee")
                    .put("type", "application_fee");
        }
        Obj charge = s.create(a, "charge", id, t, node, null, succeeded ? "charge.succeeded" : "charge.failed", "charge");
        if (succeeded) {
            s.change(intent, t, "payment_intent.succeeded", n -> n.put("status", "succeeded").put("amount_received", amount)
                    .put("latest_charge", id).putNull("last_payment_error"));
            if (feeId != null) {
                applicationFee(feeId, charge, t);
            }
        } else {
            s.change(intent, t, "payment_intent.payment_failed", n -> {
                n.put("status", "requires_payment_method").put("latest_charge", id);
                n.putObject("last_payment_error").put("charge", id).put("code", "card_declined")
                        .put("decline_code", "generic_decline").put("doc_url", "https://stripe.com/docs/error-codes/card-declined")
                        .put("message", "Your card was declined.").put("type", "card_error");
            });
        }
        lastActivity = Math.max(lastActivity, t);
        return charge;
    }

    private static long fee(long amount) {
        return Math.max(50, amount / 10);
    }

    private void applicationFee(String feeId, Obj charge, long t) {
        Account platform = w.accounts().platform();
        long amount = charge.number("application_fee_amount");
        String txnId = s.id("txn_", platform, t);
        s.create(platform, "balance_transaction", txnId, t, Shapes.balanceTransaction(txnId, t, amount, 0, currency,
                "application_fee", "platform_earning", feeId, "Application fee", w.midnightAfter(t, 2), w.now()), null, null,
                "balance_transaction");
        Obj fee = s.create(platform, "application_fee", feeId, t, Shapes.applicationFee(feeId, t, a.id(), w.applicationId(),
                charge.node, amount, txnId), null, "application_fee.created", "application_fee");
        if (s.chance(0.05)) {
            long at = s.between(t + HOUR, t + 10 * DAY);
            if (at <= w.now()) {
                String frId = s.id("fr_", platform, at);
                String refundTxn = s.id("txn_", platform, at);
                s.create(platform, "balance_transaction", refundTxn, at, Shapes.balanceTransaction(refundTxn, at, -amount, 0,
                        currency, "application_fee_refund", "platform_earning_refund", frId, "Application fee refund",
                        w.midnightAfter(at, 2), w.now()),
                        null, null, "balance_transaction");
                Obj refund = s.create(platform, "fee_refund", frId, at, Shapes.feeRefund(frId, at, feeId, amount, currency,
                        refundTxn), feeId, null, Resources.childKey(feeId, "refunds"));
                s.change(fee, at, "application_fee.refunded", n -> {
                    n.put("amount_refunded", amount).put("refunded", true);
                    fee.embed(refund);
                });
            }
        }
    }

    /** What may follow a successful payment: a refund, a dispute, an early fraud warning, a credit note. */
    private void afterPayment(Obj charge, Obj invoice, long t) {
        if (invoice != null && s.chance(0.04)) {
            creditNote(invoice, charge, s.between(t + DAY, t + 20 * DAY));
        } else if (s.chance(0.06)) {
            refund(charge, s.between(t + HOUR, t + 20 * DAY), s.chance(0.3) ? charge.number("amount") / 2 : charge.number("amount"),
                    "requested_by_customer");
        } else if (s.chance(0.02)) {
            dispute(charge, s.between(t + 5 * DAY, t + 25 * DAY));
        }
        if (s.chance(0.015)) {
            earlyFraudWarning(charge, s.between(t + HOUR, t + 10 * DAY));
        }
    }

    void earlyFraudWarning(Obj charge, long at) {
        if (at <= w.now()) {
            String id = s.id("issfr_", a, at);
            s.create(a, "radar.early_fraud_warning", id, at, Shapes.earlyFraudWarning(id, at, charge.node,
                    s.chance(0.5) ? "made_with_stolen_card" : "unauthorized_use_of_card"), null,
                    "radar.early_fraud_warning.created", "radar.early_fraud_warning");
            lastActivity = Math.max(lastActivity, at);
        }
    }

    /**
     * Inside the event window, one of each thing that follows payments, so every event type the
     * simulator knows shows up even at the smallest scale.
     */
    private void showcaseAftermath() {
        long now = w.now();
        Obj refunded = checkout(now - 12 * DAY, true);
        refund(refunded, now - 11 * DAY, refunded.number("amount"), "requested_by_customer");
        dispute(checkout(now - 10 * DAY, true), now - 9 * DAY);
        earlyFraudWarning(checkout(now - 8 * DAY, true), now - 7 * DAY);
        Obj[] paid = oneOffInvoice(now - 6 * DAY);
        creditNote(paid[0], paid[1], now - 5 * DAY);
    }

    /** An invoice of two invoice items, finalized and paid a minute later; returns the invoice and its charge. */
    Obj[] oneOffInvoice(long t) {
        s.apiRequest();
        String id = s.id("in_", a, t);
        Obj invoice = s.create(a, "invoice", id, t, Shapes.invoice(id, t, customer.node, null, "manual", t, t,
                w.accountName(a)), null, null, "invoice");
        long total = 0;
        for (int k = 0; k < 2; k++) {
            Obj price = c.oneTimePrice(s.random);
            String iiId = s.id("ii_", a, t);
            s.create(a, "invoiceitem", iiId, t, Shapes.invoiceItem(iiId, t, customer.id, id, price.number("unit_amount"),
                    c.productName(price), null, price.id, price.text("product"), currency), null, "invoiceitem.created",
                    "invoiceitem");
            line(invoice, price.number("unit_amount"), 1, c.productName(price), t, t, null, null, iiId, price.id,
                    price.text("product"), t);
            total += price.number("unit_amount");
        }
        invoice.node.put("amount_due", total).put("amount_remaining", total).put("subtotal", total)
                .put("subtotal_excluding_tax", total).put("total", total).put("total_excluding_tax", total)
                .put("collection_method", "charge_automatically");
        s.emit("invoice.created", invoice, null, t);
        if (t + 60 > w.now()) {
            finalizeInvoice(invoice, t);
            Obj charge = charge(intent(t, total, "Invoice " + invoice.text("number")), t, true);
            markPaid(invoice, t, total);
            return new Obj[] {invoice, charge};
        }
        finalizeInvoice(invoice, t + 60);
        Obj charge = charge(intent(t + 60, total, "Invoice " + invoice.text("number")), t + 60, true);
        markPaid(invoice, t + 60, total);
        return new Obj[] {invoice, charge};
    }

    Obj refund(Obj charge, long t, long amount, String reason) {
        if (t > w.now()) {
            return null;
        }
        s.apiRequest();
        String id = s.id("re_", a, t);
        String txnId = s.id("txn_", a, t);
        s.create(a, "balance_transaction", txnId, t, Shapes.balanceTransaction(txnId, t, -amount, 0, currency, "refund",
                "refund", id, "REFUND FOR CHARGE (" + charge.text("description") + ")", w.midnightAfter(t, 2), w.now()), null,
                null, "balance_transaction");
        Obj refund = s.create(a, "refund", id, t, Shapes.refund(id, t, charge.node, amount, reason, txnId), null,
                "refund.created", "refund", Resources.childKey(charge.id, "refunds"));
        long refunded = charge.number("amount_refunded") + amount;
        s.change(charge, t, "charge.refunded", n -> {
            n.put("amount_refunded", refunded).put("refunded", refunded >= n.path("amount").asLong());
            charge.embed(refund);
        });
        lastActivity = Math.max(lastActivity, t);
        return refund;
    }

    void dispute(Obj charge, long t) {
        if (t > w.now()) {
            return;
        }
        String id = s.id("dp_", a, t);
        String txnId = s.id("txn_", a, t);
        long amount = charge.number("amount");
        ObjectNode txn = Shapes.balanceTransaction(txnId, t, -amount, 1500, currency, "adjustment", "dispute", id,
                "Chargeback withdrawal for " + charge.id, w.midnightAfter(t, 2), w.now());
        s.create(a, "balance_transaction", txnId, t, txn, null, null, "balance_transaction");
        s.automatic();
        Obj dispute = s.create(a, "dispute", id, t, Shapes.dispute(id, t, charge.node, s.chance(0.6) ? "fraudulent"
                : "product_not_received", txn), null, "charge.dispute.created", "dispute");
        s.change(charge, t, "charge.updated", n -> n.put("disputed", true));
        long closed = s.between(t + 10 * DAY, t + 60 * DAY);
        if (closed <= w.now()) {
            boolean won = s.chance(0.4);
            s.change(dispute, closed, "charge.dispute.closed", n -> n.put("status", won ? "won" : "lost"));
            lastActivity = Math.max(lastActivity, closed);
        }
        lastActivity = Math.max(lastActivity, t);
    }

    private void creditNote(Obj invoice, Obj charge, long t) {
        if (t > w.now() || invoice.embedded().isEmpty()) {
            return;
        }
        Obj line = invoice.embedded().getFirst();
        long amount = Math.min(line.number("amount"), charge.number("amount") - charge.number("amount_refunded"));
        if (amount <= 0) {
            return;
        }
        Obj refund = refund(charge, t, amount, "requested_by_customer");
        String id = s.id("cn_", a, t);
        Obj note = s.create(a, "credit_note", id, t, Shapes.creditNote(id, t, invoice.node, amount, "product_unsatisfactory",
                refund.id, a.id(), s.random), null, null, "credit_note");
        String lineId = s.id("cnli_", a, t);
        Obj noteLine = s.create(a, "credit_note_line_item", lineId, t, Shapes.creditNoteLine(lineId, line.id, amount,
                line.text("description")), id, null, Resources.childKey(id, "lines"));
        note.embed(noteLine);
        s.emit("credit_note.created", note, null, t);
        s.change(invoice, t, "invoice.updated", n -> n.put("post_payment_credit_notes_amount", amount));
    }

    // ---- checkout ---------------------------------------------------------------------------

    /** A one-off purchase through Checkout; returns its charge, or null if it was not paid. */
    Obj checkout(long t, boolean completes) {
        if (t > w.now()) {
            return null;
        }
        s.apiRequest();
        String id = "cs_test_a1" + Ids.random(56, s.random);
        int count = 1 + s.random.nextInt(3);
        List<ObjectNode> items = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < count; i++) {
            Obj price = c.oneTimePrice(s.random);
            int quantity = 1 + (s.chance(0.2) ? s.random.nextInt(3) : 0);
            ObjectNode item = Shapes.checkoutItem(s.id("li_", a, t), price.node, c.productName(price), quantity);
            items.add(item);
            total += item.path("amount_total").asLong();
        }
        Obj session = s.create(a, "checkout.session", id, t, Shapes.checkoutSession(id, t, customer.node, total, currency),
                null, null, "checkout.session");
        for (ObjectNode item : items) {
            s.create(a, "item", item.path("id").asText(), t, item, id, null, Resources.childKey(id, "line_items"));
        }
        long paidAt = t + 30 + s.random.nextInt(600);
        if ((completes || s.chance(0.85)) && paidAt <= w.now()) {
            Obj charge = completeCheckout(session, paidAt);
            if (!completes) {
                afterPayment(charge, null, paidAt);
            }
            return charge;
        }
        if (t + DAY <= w.now()) {
            expireCheckout(session, t + DAY);
        }
        return null;
    }

    /** The customer pays an open session at {@code t}; returns the charge. */
    Obj completeCheckout(Obj session, long t) {
        Obj intent = intent(t, session.number("amount_total"), "Checkout purchase");
        Obj charge = charge(intent, t, true);
        s.change(session, t, "checkout.session.completed", n -> n.put("status", "complete")
                .put("payment_status", "paid").put("payment_intent", intent.id).putNull("url"));
        return charge;
    }

    /** Nobody paid: Stripe expires the session 24 hours after it was created (at {@code t}). */
    void expireCheckout(Obj session, long t) {
        s.automatic();
        s.change(session, t, "checkout.session.expired", n -> n.put("status", "expired").putNull("url"));
        lastActivity = Math.max(lastActivity, t);
    }
}
