package dev.opensigma.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed gives the same account and the same ids; another seed another account. */
class DeterminismTest {

    @Test
    void theSameSeedGeneratesTheSameAccount() {
        List<String> first;
        List<String> second;
        List<String> other;
        String account;
        try (StripeSimulator a = StripeSimulator.start(SimulatorSettings.fast().withSeed(99).withScale(800))) {
            first = ids(a);
            account = a.platformAccountId();
        }
        try (StripeSimulator b = StripeSimulator.start(SimulatorSettings.fast().withSeed(99).withScale(800))) {
            second = ids(b);
            assertThat(b.platformAccountId()).isEqualTo(account);
        }
        try (StripeSimulator c = StripeSimulator.start(SimulatorSettings.fast().withSeed(100).withScale(800))) {
            other = ids(c);
            assertThat(c.platformAccountId()).isNotEqualTo(account);
        }

        assertThat(second).isEqualTo(first);
        assertThat(other).doesNotContainAnyElementsOf(first.subList(0, 50));
        assertThat(first).hasSizeBetween(800, 1_200);
    }

    @Test
    void idsLookLikeStripes() {
        try (StripeSimulator sim = StripeSimulator.start(SimulatorSettings.fast().withSeed(3))) {
            List<SimObject> all = sim.objects();
            assertThat(all).extracting(SimObject::id).doesNotHaveDuplicates();
            assertThat(sim.platformAccountId()).matches("acct_1[A-Za-z0-9]{15}");
            String[][] prefixes = {{"customer", "cus_"}, {"charge", "ch_"}, {"payment_intent", "pi_"}, {"invoice", "in_"},
                {"line_item", "il_"}, {"invoiceitem", "ii_"}, {"subscription", "sub_"}, {"subscription_item", "si_"},
                {"price", "price_"}, {"product", "prod_"}, {"refund", "re_"}, {"dispute", "dp_"}, {"balance_transaction", "txn_"},
                {"payout", "po_"}, {"checkout.session", "cs_test_"}, {"setup_intent", "seti_"}, {"payment_method", "pm_"},
                {"radar.early_fraud_warning", "issfr_"}, {"tax_rate", "txr_"}, {"credit_note", "cn_"},
                {"credit_note_line_item", "cnli_"}, {"application_fee", "fee_"}, {"fee_refund", "fr_"}, {"transfer", "tr_"},
                {"transfer_reversal", "trr_"}, {"tax_id", "txi_"}, {"account", "acct_"}, {"item", "li_"}, {"coupon", ""}};
            for (String[] p : prefixes) {
                assertThat(all).as(p[0]).anyMatch(o -> o.type().equals(p[0]));
                assertThat(all).filteredOn(o -> o.type().equals(p[0])).as(p[0]).allMatch(o -> o.id().startsWith(p[1]));
            }
        }
    }

    private static List<String> ids(StripeSimulator sim) {
        return sim.objects().stream().map(o -> o.type() + " " + o.id()).toList();
    }
}
