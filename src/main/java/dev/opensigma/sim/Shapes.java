package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/**
 * Each object type's state at creation: Stripe's sample object ({@link Templates}) with the ids,
 * references, amounts, statuses and times of the story, and the sample's placeholder values
 * (random amounts, {@code obj_123} references) replaced by what a real account would show.
 */
final class Shapes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] BRANDS = {"visa", "visa", "visa", "mastercard", "mastercard", "amex", "discover"};

    private Shapes() {
    }

    static ObjectNode customer(String id, long t, People p, String currency) {
        ObjectNode c = Templates.of("customer");
        c.set("address", p.address());
        c.put("created", t).put("currency", currency).putNull("discount").put("email", p.email).put("id", id)
                .put("name", p.name).put("phone", p.phone).put("invoice_prefix", id.substring(4, 12).toUpperCase());
        c.putArray("preferred_locales").add("en-US");
        c.putNull("shipping");
        return c;
    }

    static ObjectNode paymentMethod(String id, long t, String customer, People p, Random r) {
        ObjectNode pm = Templates.of("payment_method");
        ObjectNode billing = (ObjectNode) pm.get("billing_details");
        billing.set("address", p.address());
        billing.put("email", p.email).put("name", p.name).put("phone", p.phone);
        ObjectNode card = (ObjectNode) pm.get("card");
        String brand = BRANDS[r.nextInt(BRANDS.length)];
        card.put("brand", brand).put("display_brand", brand).put("country", p.country()).put("exp_month", 1 + r.nextInt(12))
                .put("exp_year", 2027 + r.nextInt(6)).put("fingerprint", Ids.random(16, r))
                .put("last4", String.format("%04d", r.nextInt(10_000))).putNull("generated_from");
        ((ObjectNode) card.get("networks")).putArray("available").add(brand);
        card.putNull("wallet");
        pm.put("created", t).put("customer", customer).put("id", id).putObject("metadata");
        return pm;
    }

    static ObjectNode taxId(String id, long t, String customer, String country, Random r) {
        ObjectNode tax = Templates.of("tax_id");
        String type = switch (country) {
            case "US" -> "us_ein";
            case "GB" -> "gb_vat";
            case "CA" -> "ca_bn";
            case "AU" -> "au_abn";
            case "JP" -> "jp_cn";
            default -> "eu_vat";
        };
        String value = "eu_vat".equals(type) ? country + (100_000_000 + r.nextInt(899_999_999))
                : Integer.toString(100_000_000 + r.nextInt(899_999_999));
        tax.put("country", country).put("created", t).put("customer", customer).put("id", id).put("type", type)
                .put("value", value);
        ((ObjectNode) tax.get("owner")).put("customer", customer);
        ((ObjectNode) tax.get("verification")).put("status", r.nextInt(4) == 0 ? "unverified" : "verified");
        return tax;
    }

    static ObjectNode setupIntent(String id, long t, String customer, String paymentMethod, Random r) {
        ObjectNode si = Templates.of("setup_intent");
        si.put("client_secret", id + "_secret_" + Ids.random(24, r)).put("created", t).put("customer", customer)
                .put("id", id).putNull("last_setup_error").putNull("next_action").putNull("payment_method_configuration_details")
                .put("payment_method", paymentMethod).put("status", "requires_confirmation");
        return si;
    }

    static ObjectNode product(String id, long t, String name, String description) {
        ObjectNode p = Templates.of("product");
        p.put("created", t).putNull("default_price").put("description", description).put("id", id).put("name", name)
                .putNull("package_dimensions").put("type", "service").put("updated", t);
        return p;
    }

    static ObjectNode price(String id, long t, String product, long unitAmount, String currency, String interval,
                            String nickname) {
        ObjectNode p = Templates.of("price");
        p.put("created", t).put("currency", currency).putNull("custom_unit_amount").put("id", id).put("product", product)
                .putNull("transform_quantity").put("unit_amount", unitAmount)
                .put("unit_amount_decimal", Long.toString(unitAmount));
        if (nickname == null) {
            p.putNull("nickname");
        } else {
            p.put("nickname", nickname);
        }
        if (interval == null) {
            p.putNull("recurring").put("type", "one_time");
        } else {
            ((ObjectNode) p.get("recurring")).put("interval", interval);
            p.put("type", "recurring");
        }
        return p;
    }

    static ObjectNode coupon(String id, long t, Random r) {
        ObjectNode c = Templates.of("coupon");
        c.put("created", t).put("id", id).putNull("redeem_by").put("times_redeemed", r.nextInt(40));
        if (r.nextBoolean()) {
            int percent = 5 * (1 + r.nextInt(10));
            c.put("percent_off", percent).putNull("amount_off").putNull("currency").put("name", percent + "% off");
        } else {
            int off = 500 * (1 + r.nextInt(10));
            c.putNull("percent_off").put("amount_off", off).put("name", "$" + off / 100 + " off");
        }
        switch (r.nextInt(3)) {
            case 0 -> c.put("duration", "once").putNull("duration_in_months");
            case 1 -> c.put("duration", "repeating").put("duration_in_months", 3 * (1 + r.nextInt(4)));
            default -> c.put("duration", "forever").putNull("duration_in_months");
        }
        return c;
    }

    static ObjectNode taxRate(String id, long t, String country, String state, double percentage, boolean inclusive,
                              String type, String name) {
        ObjectNode tr = Templates.of("tax_rate");
        tr.put("country", country).put("created", t).put("description", name + " " + country).put("display_name", name)
                .put("id", id).put("inclusive", inclusive).put("jurisdiction", state == null ? country : state)
                .put("percentage", percentage).put("tax_type", type).putNull("flat_amount").put("rate_type", "percentage");
        if (state == null) {
            tr.putNull("state");
        } else {
            tr.put("state", state);
        }
        return tr;
    }

    static ObjectNode subscription(String id, long t, String customer, String currency, String paymentMethod) {
        ObjectNode s = Templates.of("subscription");
        s.put("billing_cycle_anchor", t).putNull("billing_cycle_anchor_config").putNull("cancel_at").putNull("canceled_at")
                .put("created", t).put("currency", currency).put("customer", customer)
                .put("default_payment_method", paymentMethod).putNull("ended_at").put("id", id).putNull("latest_invoice")
                .putNull("next_pending_invoice_item_invoice").putNull("pause_collection").putNull("pending_invoice_item_interval")
                .putNull("pending_update").put("start_date", t).put("status", "active").putNull("transfer_data")
                .putNull("trial_end").putNull("trial_start").put("cancel_at_period_end", false).putNull("billing_thresholds")
                .putNull("billing_schedules");
        ((ObjectNode) s.get("automatic_tax")).putNull("liability");
        ((ObjectNode) s.get("billing_mode")).putNull("flexible");
        ((ObjectNode) s.get("managed_payments")).put("enabled", false);
        ((ObjectNode) s.get("payment_settings")).put("save_default_payment_method", "off");
        return s;
    }

    static ObjectNode subscriptionItem(String id, long t, String subscription, ObjectNode price, int quantity,
                                       long periodStart, long periodEnd) {
        ObjectNode si = Templates.of("subscription_item");
        si.put("created", t).put("id", id).set("price", price.deepCopy());
        si.set("plan", plan(price));
        si.put("quantity", quantity).put("subscription", subscription).put("current_period_start", periodStart)
                .put("current_period_end", periodEnd).putNull("billing_thresholds");
        return si;
    }

    /** The legacy plan view of a recurring price, as subscription items still carry it. */
    private static ObjectNode plan(ObjectNode price) {
        ObjectNode recurring = (ObjectNode) price.get("recurring");
        ObjectNode plan = F.objectNode();
        plan.put("active", price.path("active").asBoolean()).put("amount", price.path("unit_amount").asLong())
                .put("amount_decimal", price.path("unit_amount_decimal").asText()).put("billing_scheme", "per_unit")
                .put("created", price.path("created").asLong()).put("currency", price.path("currency").asText())
                .put("id", price.path("id").asText()).put("interval", recurring.path("interval").asText())
                .put("interval_count", recurring.path("interval_count").asInt()).put("livemode", false);
        plan.putObject("metadata");
        plan.putNull("meter").set("nickname", price.get("nickname"));
        plan.put("object", "plan").put("product", price.path("product").asText()).putNull("tiers_mode")
                .putNull("transform_usage").putNull("trial_period_days").put("usage_type", "licensed");
        return plan;
    }

    static ObjectNode invoice(String id, long t, ObjectNode customer, String subscription, String billingReason,
                              long periodStart, long periodEnd, String accountName) {
        ObjectNode i = Templates.of("invoice");
        i.put("account_name", accountName).put("amount_overpaid", 0).put("auto_advance", true)
                .put("billing_reason", billingReason).put("created", t).put("currency", customer.path("currency").asText("usd"))
                .put("customer", customer.path("id").asText()).putNull("due_date").putNull("effective_at")
                .putNull("from_invoice").put("id", id).putNull("last_finalization_error").putNull("next_payment_attempt")
                .put("period_end", periodEnd).put("period_start", periodStart).putNull("shipping_cost")
                .putNull("shipping_details").put("webhooks_delivered_at", t).put("automatically_finalizes_at", t + 3600)
                .putArray("total_pretax_credit_amounts");
        i.putArray("total_taxes");
        i.set("customer_address", customer.get("address"));
        i.set("customer_email", customer.get("email"));
        i.set("customer_name", customer.get("name"));
        i.set("customer_phone", customer.get("phone"));
        i.putNull("customer_shipping");
        ((ObjectNode) i.get("automatic_tax")).putNull("liability");
        if (subscription == null) {
            i.putNull("subscription").putNull("parent");
        } else {
            i.put("subscription", subscription);
            ObjectNode parent = i.putObject("parent");
            parent.putNull("quote_details");
            parent.putObject("subscription_details").putObject("metadata");
            ((ObjectNode) parent.get("subscription_details")).put("subscription", subscription);
            parent.put("type", "subscription_details");
        }
        return i;
    }

    /** An invoice line from a subscription item ({@code subscriptionItem} set) or from an invoice item. */
    static ObjectNode invoiceLine(String id, String invoice, long amount, int quantity, String description,
                                  long periodStart, long periodEnd, String subscription, String subscriptionItem,
                                  String invoiceItem, String price, String product, String currency) {
        ObjectNode l = Templates.of("line_item");
        l.put("amount", amount).put("currency", currency).put("description", description).put("id", id)
                .put("invoice", invoice).put("quantity", quantity).put("subtotal", amount).putArray("pretax_credit_amounts");
        l.putArray("taxes");
        ((ObjectNode) l.get("period")).put("start", periodStart).put("end", periodEnd);
        if (subscription == null) {
            l.putNull("subscription");
        } else {
            l.put("subscription", subscription);
        }
        ObjectNode parent = l.putObject("parent");
        if (subscriptionItem != null) {
            parent.putNull("invoice_item_details");
            ObjectNode d = parent.putObject("subscription_item_details");
            d.putNull("invoice_item").put("proration", false).putNull("proration_details");
            d.put("subscription", subscription).put("subscription_item", subscriptionItem);
            parent.put("type", "subscription_item_details");
        } else {
            ObjectNode d = parent.putObject("invoice_item_details");
            d.put("invoice_item", invoiceItem).put("proration", false).putNull("proration_details");
            d.put("subscription", subscription);
            parent.putNull("subscription_item_details").put("type", "invoice_item_details");
        }
        ObjectNode pricing = l.putObject("pricing");
        pricing.putObject("price_details").put("price", price).put("product", product);
        pricing.put("type", "price_details").put("unit_amount_decimal", Long.toString(amount / Math.max(1, quantity)));
        return l;
    }

    static ObjectNode invoiceItem(String id, long t, String customer, String invoice, long amount, String description,
                                  String subscription, String price, String product, String currency) {
        ObjectNode ii = Templates.of("invoiceitem");
        ii.put("amount", amount).put("currency", currency).put("customer", customer).put("date", t)
                .put("description", description).put("id", id).put("invoice", invoice).put("net_amount", amount)
                .put("quantity_decimal", "1");
        ((ObjectNode) ii.get("period")).put("start", t).put("end", t);
        if (subscription == null) {
            ii.putNull("parent");
        } else {
            ((ObjectNode) ii.get("parent").get("subscription_details")).put("subscription", subscription);
        }
        ObjectNode pricing = ii.putObject("pricing");
        pricing.putObject("price_details").put("price", price).put("product", product);
        pricing.put("type", "price_details").put("unit_amount_decimal", Long.toString(amount));
        return ii;
    }

    static ObjectNode paymentIntent(String id, long t, String customer, long amount, String currency, String description,
                                    String paymentMethod, Random r) {
        ObjectNode pi = Templates.of("payment_intent");
        pi.put("amount", amount).putNull("canceled_at").put("capture_method", "automatic_async")
                .put("client_secret", id + "_secret_" + Ids.random(25, r)).put("created", t).put("currency", currency)
                .put("customer", customer).put("description", description).put("id", id).putNull("last_payment_error")
                .putNull("next_action").put("payment_method", paymentMethod).putNull("payment_method_configuration_details")
                .putNull("processing").putNull("shipping").put("status", "requires_confirmation").putNull("transfer_data");
        ((ObjectNode) pi.get("managed_payments")).put("enabled", false);
        return pi;
    }

    static ObjectNode charge(String id, long t, ObjectNode intent, ObjectNode paymentMethod, boolean succeeded,
                             String balanceTransaction, Random r) {
        ObjectNode c = Templates.of("charge");
        long amount = intent.path("amount").asLong();
        c.put("amount", amount).put("amount_captured", succeeded ? amount : 0).put("calculated_statement_descriptor", "OPENSIGMA*DEMO")
                .put("captured", succeeded).put("created", t).set("currency", intent.get("currency"));
        c.set("customer", intent.get("customer"));
        c.set("description", intent.get("description"));
        c.put("id", id).put("paid", succeeded).put("status", succeeded ? "succeeded" : "failed")
                .put("payment_intent", intent.path("id").asText())
                .set("payment_method", paymentMethod.get("id"));
        if (succeeded) {
            c.put("balance_transaction", balanceTransaction).putNull("failure_code").putNull("failure_message");
        } else {
            c.putNull("balance_transaction").put("failure_code", "card_declined")
                    .put("failure_message", "Your card was declined.");
        }
        ObjectNode billing = (ObjectNode) c.get("billing_details");
        billing.setAll((ObjectNode) paymentMethod.get("billing_details").deepCopy());
        ObjectNode outcome = (ObjectNode) c.get("outcome");
        outcome.put("network_status", succeeded ? "approved_by_network" : "declined_by_network")
                .put("risk_level", "normal").put("risk_score", r.nextInt(70))
                .put("seller_message", succeeded ? "Payment complete." : "The bank did not return any further details with this decline.")
                .put("type", succeeded ? "authorized" : "issuer_declined");
        if (succeeded) {
            outcome.putNull("reason");
        } else {
            outcome.put("reason", "generic_decline").put("network_decline_code", "05");
        }
        ObjectNode pmCard = (ObjectNode) paymentMethod.get("card");
        ObjectNode card = (ObjectNode) c.get("payment_method_details").get("card");
        for (String f : new String[] {"brand", "country", "exp_month", "exp_year", "fingerprint", "funding", "last4"}) {
            card.set(f, pmCard.get(f));
        }
        card.put("network", pmCard.path("brand").asText()).put("amount_authorized", succeeded ? amount : 0)
                .putNull("installments").putNull("wallet");
        ((ObjectNode) card.get("overcapture")).put("maximum_amount_capturable", amount);
        c.set("receipt_email", paymentMethod.get("billing_details").get("email"));
        c.put("receipt_url", "https://pay.stripe.com/receipts/payment/" + Ids.random(96, r)).putNull("shipping")
                .putNull("transfer_data").remove("source");
        return c;
    }

    static ObjectNode balanceTransaction(String id, long t, long amount, long fee, String currency, String type,
                                         String reportingCategory, String source, String description, long availableOn,
                                         long now) {
        ObjectNode b = Templates.of("balance_transaction");
        b.put("amount", amount).put("available_on", availableOn).put("created", t).put("currency", currency)
                .put("fee", fee).put("id", id).put("net", amount - fee).put("reporting_category", reportingCategory)
                .put("source", source).put("status", availableOn <= now ? "available" : "pending").put("type", type);
        if (description == null) {
            b.putNull("description");
        } else {
            b.put("description", description);
        }
        ArrayNode details = b.putArray("fee_details");
        if (fee != 0) {
            details.addObject().put("amount", fee).putNull("application").put("currency", currency)
                    .put("description", "Stripe processing fees").put("type", "stripe_fee");
        }
        return b;
    }

    static ObjectNode refund(String id, long t, ObjectNode charge, long amount, String reason, String balanceTransaction) {
        ObjectNode re = Templates.of("refund");
        re.put("amount", amount).put("balance_transaction", balanceTransaction).put("charge", charge.path("id").asText())
                .put("created", t).set("currency", charge.get("currency"));
        re.put("id", id).set("payment_intent", charge.get("payment_intent"));
        re.set("customer", charge.get("customer"));
        re.set("payment_method", charge.get("payment_method"));
        if (reason == null) {
            re.putNull("reason");
        } else {
            re.put("reason", reason);
        }
        ObjectNode card = F.objectNode().put("reference", Ids.random(12, new Random(t))).put("reference_status", "available")
                .put("reference_type", "acquirer_reference_number").put("type", "refund");
        ((ObjectNode) re.get("destination_details")).set("card", card);
        return re;
    }

    static ObjectNode dispute(String id, long t, ObjectNode charge, String reason, ObjectNode balanceTransaction) {
        ObjectNode d = Templates.of("dispute");
        d.put("amount", charge.path("amount").asLong()).put("charge", charge.path("id").asText()).put("created", t)
                .set("currency", charge.get("currency"));
        d.putArray("balance_transactions").add(balanceTransaction.deepCopy());
        d.put("id", id).put("is_charge_refundable", false).set("payment_intent", charge.get("payment_intent"));
        d.put("reason", reason).put("status", "needs_response").putArray("enhanced_eligibility_types");
        ObjectNode details = (ObjectNode) d.get("evidence_details");
        details.put("due_by", t + 7 * 86_400);
        ObjectNode card = (ObjectNode) d.get("payment_method_details").get("card");
        String brand = charge.path("payment_method_details").path("card").path("brand").asText("visa");
        card.put("brand", brand).put("network", brand).put("case_type", "chargeback");
        return d;
    }

    static ObjectNode earlyFraudWarning(String id, long t, ObjectNode charge, String fraudType) {
        ObjectNode w = Templates.of("radar.early_fraud_warning");
        w.put("charge", charge.path("id").asText()).put("created", t).put("fraud_type", fraudType).put("id", id)
                .set("payment_intent", charge.get("payment_intent"));
        return w;
    }

    static ObjectNode checkoutSession(String id, long t, ObjectNode customer, long amount, String currency) {
        ObjectNode cs = Templates.of("checkout.session");
        cs.putNull("after_expiration").put("amount_subtotal", amount).put("amount_total", amount)
                .put("cancel_url", "https://shop.example.com/cart").putNull("consent").putNull("consent_collection")
                .put("created", t).put("currency", currency).put("customer", customer.path("id").asText())
                .put("customer_creation", "if_required").put("expires_at", t + 86_400).put("id", id).putNull("invoice")
                .putNull("payment_intent").put("payment_method_collection", "if_required")
                .putNull("payment_method_configuration_details").put("payment_status", "unpaid").putNull("saved_payment_method_options")
                .putNull("shipping_address_collection").putNull("shipping_cost").put("status", "open")
                .put("success_url", "https://shop.example.com/thanks").put("ui_mode", "hosted")
                .put("url", "https://checkout.stripe.com/c/pay/" + id).putNull("collected_information")
                .putNull("permissions").putNull("wallet_options").putNull("currency_conversion").putArray("discounts");
        ObjectNode text = cs.putObject("custom_text");
        text.putNull("after_submit").putNull("shipping_address").putNull("submit").putNull("terms_of_service_acceptance");
        ObjectNode details = (ObjectNode) cs.get("customer_details");
        details.set("address", customer.get("address"));
        details.set("email", customer.get("email"));
        details.set("name", customer.get("name"));
        details.set("phone", customer.get("phone"));
        ((ObjectNode) cs.get("invoice_creation")).put("enabled", false);
        ((ObjectNode) cs.get("automatic_tax")).putNull("liability");
        ((ObjectNode) cs.get("adaptive_pricing")).put("enabled", false);
        ((ObjectNode) cs.get("managed_payments")).put("enabled", false);
        ObjectNode totals = (ObjectNode) cs.get("total_details");
        totals.put("amount_discount", 0).put("amount_shipping", 0).put("amount_tax", 0);
        return cs;
    }

    static ObjectNode checkoutItem(String id, ObjectNode price, String description, int quantity) {
        ObjectNode item = Templates.of("item");
        long amount = price.path("unit_amount").asLong() * quantity;
        item.put("amount_subtotal", amount).put("amount_total", amount).set("currency", price.get("currency"));
        item.put("description", description).put("id", id).set("price", price.deepCopy());
        item.put("quantity", quantity).putNull("adjustable_quantity");
        return item;
    }

    /** A draft quote of {@code amount} (one-time items only), expiring after 30 days. */
    static ObjectNode quote(String id, long t, String customer, String currency, long amount) {
        ObjectNode q = Templates.of("quote");
        q.put("amount_subtotal", amount).put("amount_total", amount).put("created", t).put("currency", currency)
                .put("customer", customer).putNull("description").put("expires_at", t + 30 * 86_400L).putNull("from_quote")
                .put("id", id).putNull("number").put("status", "draft").putNull("transfer_data");
        ObjectNode computed = (ObjectNode) q.get("computed");
        computed.putNull("recurring");
        ((ObjectNode) computed.get("upfront")).put("amount_subtotal", amount).put("amount_total", amount);
        ((ObjectNode) q.get("automatic_tax")).putNull("liability");
        return q;
    }

    static ObjectNode paymentLink(String id, String currency, String url) {
        ObjectNode l = Templates.of("payment_link");
        l.put("currency", currency).put("id", id).putNull("restrictions").putNull("shipping_address_collection")
                .putNull("transfer_data").put("url", url);
        ((ObjectNode) l.get("payment_intent_data")).putObject("metadata");
        ((ObjectNode) l.get("subscription_data")).putObject("metadata");
        ((ObjectNode) l.get("custom_text")).putNull("after_submit").putNull("shipping_address").putNull("submit")
                .putNull("terms_of_service_acceptance");
        ((ObjectNode) l.get("managed_payments")).put("enabled", false);
        l.putNull("payment_method_options");
        return l;
    }

    static ObjectNode creditNote(String id, long t, ObjectNode invoice, long amount, String reason, String refund,
                                 String accountId, Random r) {
        ObjectNode cn = Templates.of("credit_note");
        cn.put("amount", amount).put("created", t).set("currency", invoice.get("currency"));
        cn.set("customer", invoice.get("customer"));
        cn.put("effective_at", t).put("id", id).put("invoice", invoice.path("id").asText())
                .put("number", invoice.path("number").asText("INV") + "-CN-01")
                .put("pdf", "https://pay.stripe.com/credit_notes/" + accountId + "/" + Ids.random(24, r) + "/pdf")
                .putNull("shipping_cost").put("subtotal", amount).put("subtotal_excluding_tax", amount).put("total", amount)
                .put("total_excluding_tax", amount).put("type", "post_payment").putNull("voided_at")
                .put("post_payment_amount", amount).put("pre_payment_amount", 0).put("reason", reason)
                .putArray("pretax_credit_amounts");
        cn.putArray("total_taxes");
        ArrayNode refunds = cn.putArray("refunds");
        refunds.addObject().put("amount_refunded", amount).put("refund", refund).putNull("payment_record_refund")
                .put("type", "payment_intent_refund");
        return cn;
    }

    static ObjectNode creditNoteLine(String id, String invoiceLine, long amount, String description) {
        ObjectNode l = Templates.of("credit_note_line_item");
        l.put("amount", amount).put("description", description).put("id", id).put("invoice_line_item", invoiceLine)
                .putArray("pretax_credit_amounts");
        l.putArray("taxes");
        return l;
    }

    static ObjectNode payout(String id, long t, long amount, String currency, long arrival, String balanceTransaction,
                             String destination, Random r) {
        ObjectNode p = Templates.of("payout");
        p.put("amount", amount).put("arrival_date", arrival).put("balance_transaction", balanceTransaction).put("created", t)
                .put("currency", currency).put("destination", destination).put("id", id)
                .put("reconciliation_status", "not_applicable").put("status", "pending");
        ((ObjectNode) p.get("trace_id")).put("status", "pending");
        return p;
    }

    static ObjectNode applicationFee(String id, long t, String account, String application, ObjectNode charge, long amount,
                                     String balanceTransaction) {
        ObjectNode fee = Templates.of("application_fee");
        String chargeId = charge.path("id").asText();
        fee.put("account", account).put("amount", amount).put("application", application)
                .put("balance_transaction", balanceTransaction).put("charge", chargeId).put("created", t)
                .set("currency", charge.get("currency"));
        fee.put("id", id);
        ((ObjectNode) fee.get("fee_source")).put("charge", chargeId);
        return fee;
    }

    static ObjectNode feeRefund(String id, long t, String fee, long amount, String currency, String balanceTransaction) {
        ObjectNode fr = Templates.of("fee_refund");
        fr.put("amount", amount).put("balance_transaction", balanceTransaction).put("created", t).put("currency", currency)
                .put("fee", fee).put("id", id);
        return fr;
    }

    static ObjectNode transfer(String id, long t, String destination, long amount, String currency, String balanceTransaction,
                               Random r) {
        ObjectNode tr = Templates.of("transfer");
        tr.put("amount", amount).put("balance_transaction", balanceTransaction).put("created", t).put("currency", currency)
                .put("description", "Payout share").put("destination", destination)
                .put("destination_payment", "py_" + Ids.random(24, r)).put("id", id);
        return tr;
    }

    static ObjectNode transferReversal(String id, long t, String transfer, long amount, String currency,
                                       String balanceTransaction, Random r) {
        ObjectNode trr = Templates.of("transfer_reversal");
        trr.put("amount", amount).put("balance_transaction", balanceTransaction).put("created", t).put("currency", currency)
                .put("destination_payment_refund", "pyr_" + Ids.random(24, r)).put("id", id).put("transfer", transfer);
        return trr;
    }

    static ObjectNode account(String id, long t, String name, String email, String country, String currency, boolean platform) {
        ObjectNode a = Templates.of("account");
        ObjectNode profile = (ObjectNode) a.get("business_profile");
        profile.put("name", name).put("support_email", email).put("url", "https://" + name.toLowerCase().replaceAll("[^a-z]", "")
                + ".example.com").put("mcc", "5734").put("product_description", "Software subscriptions")
                .putNull("annual_revenue");
        a.put("business_type", "company").put("charges_enabled", true).put("country", country).put("created", t)
                .put("default_currency", currency).put("details_submitted", true).put("email", email).put("id", id)
                .put("payouts_enabled", true).put("type", platform ? "standard" : "standard");
        ((ObjectNode) a.get("external_accounts")).put("url", "/v1/accounts/" + id + "/external_accounts")
                .put("total_count", 0);
        for (String f : new String[] {"requirements", "future_requirements"}) {
            ObjectNode req = (ObjectNode) a.get(f);
            req.putArray("currently_due");
            req.putArray("eventually_due");
            req.putNull("disabled_reason");
        }
        ((ObjectNode) a.get("settings").get("dashboard")).put("display_name", name);
        ((ObjectNode) a.get("tos_acceptance")).put("date", t).put("ip", "192.0.2." + (1 + Math.floorMod(t, 250)));
        return a;
    }
}
