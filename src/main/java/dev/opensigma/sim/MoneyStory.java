package dev.opensigma.sim;

/**
 * Money leaving an account: automatic payouts to its bank account on a regular schedule, and on
 * the platform, transfers to connected accounts (some partly reversed).
 */
final class MoneyStory {

    private final Story s;
    private final World w;
    private final Account a;

    MoneyStory(Story s, World w, Account a) {
        this.s = s;
        this.w = w;
        this.a = a;
    }

    void run(int budget) {
        String currency = w.currency(a);
        int payouts = Math.clamp(budget / 150, 8, 730);
        long every = World.HISTORY / payouts;
        String bank = "ba_" + Ids.random(24, s.random);
        s.automatic();
        for (long t = w.start() + s.random.nextInt((int) Math.min(every, Integer.MAX_VALUE)); t <= w.now(); t += every) {
            payout(t, currency, bank);
        }
        if (a.platform()) {
            for (Account destination : w.accounts().connected()) {
                int transfers = Math.clamp(budget / 400, 3, 2000);
                for (int i = 0; i < transfers; i++) {
                    transfer(s.between(destination.created(), w.now()), destination, currency, i == 0);
                }
            }
        }
    }

    private void payout(long t, String currency, String bank) {
        long amount = 10_000L + s.random.nextInt(500_000);
        String id = s.id("po_", a, t);
        String txnId = s.id("txn_", a, t);
        s.create(a, "balance_transaction", txnId, t, Shapes.balanceTransaction(txnId, t, -amount, 0, currency, "payout", "payout",
                id, "STRIPE PAYOUT", w.midnightAfter(t, 2), w.now()), null, null, "balance_transaction");
        long arrival = w.midnightAfter(t, 2);
        var node = Shapes.payout(id, t, amount, currency, arrival, txnId, bank, s.random).put("status", "in_transit");
        Obj payout = s.create(a, "payout", id, t, node, null, "payout.created", "payout");
        if (arrival <= w.now()) {
            s.change(payout, arrival, "payout.paid", n -> {
                n.put("status", "paid").put("reconciliation_status", "completed");
                ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("trace_id")).put("status", "supported")
                        .put("value", Ids.random(15, s.random).toUpperCase());
            });
        }
    }

    private void transfer(long t, Account destination, String currency, boolean reversedInsideWindow) {
        if (reversedInsideWindow) {
            t = w.windowStart() - 3 * World.DAY;
        }
        long amount = 1_000L + s.random.nextInt(200_000);
        s.apiRequest();
        String id = s.id("tr_", a, t);
        String txnId = s.id("txn_", a, t);
        s.create(a, "balance_transaction", txnId, t, Shapes.balanceTransaction(txnId, t, -amount, 0, currency, "transfer",
                "transfer", id, null, w.midnightAfter(t, 2), w.now()), null, null, "balance_transaction");
        Obj transfer = s.create(a, "transfer", id, t, Shapes.transfer(id, t, destination.id(), amount, currency, txnId, s.random),
                null, "transfer.created", "transfer");
        if (reversedInsideWindow || s.chance(0.1)) {
            long at = reversedInsideWindow ? w.windowStart() + 2 * World.DAY : s.between(t + World.DAY, t + 30 * World.DAY);
            if (at > w.now()) {
                return;
            }
            long reversed = s.chance(0.5) ? amount : amount / 2;
            String trrId = s.id("trr_", a, at);
            String reversalTxn = s.id("txn_", a, at);
            s.create(a, "balance_transaction", reversalTxn, at, Shapes.balanceTransaction(reversalTxn, at, reversed, 0, currency,
                    "transfer_refund", "transfer_reversal", trrId, null, w.midnightAfter(at, 2), w.now()), null, null, "balance_transaction");
            Obj reversal = s.create(a, "transfer_reversal", trrId, at, Shapes.transferReversal(trrId, at, id, reversed, currency,
                    reversalTxn, s.random), id, null, Resources.childKey(id, "reversals"));
            s.apiRequest();
            s.change(transfer, at, "transfer.reversed", n -> {
                n.put("amount_reversed", reversed).put("reversed", reversed == amount);
                transfer.embed(reversal);
            });
        }
    }
}
