package dev.opensigma.sim;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An account's products and prices as customers can buy them (active, never archived, so the
 * price copies inside subscription items stay true), with coupons and tax rates.
 */
record Catalog(List<Obj> recurringPrices, List<Obj> oneTimePrices, Map<String, String> productNames, List<Obj> coupons,
               List<Obj> taxRates) {

    Obj recurringPrice(Random random) {
        return recurringPrices.get(random.nextInt(recurringPrices.size()));
    }

    Obj oneTimePrice(Random random) {
        return oneTimePrices.get(random.nextInt(oneTimePrices.size()));
    }

    String productName(Obj price) {
        return productNames.get(price.text("product"));
    }
}
