package dev.opensigma.stripe.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the filter out of an embedded list's {@code url}, to page the list with it. */
class ParamTest {

    @Test
    void aListUrlsQueryBecomesItsParameters() {
        assertThat(Param.fromQuery("subscription=sub_1"))
                .containsExactly(new Param("subscription", "sub_1"));
        assertThat(Param.fromQuery("created%5Bgte%5D=1700000000&types%5B%5D=invoice.paid&note=a+b%26c"))
                .containsExactly(new Param("created[gte]", "1700000000"), new Param("types[]", "invoice.paid"),
                        new Param("note", "a b&c"));
    }

    @Test
    void pairsWithoutANameOrAnEqualsSignAreLeftOut() {
        assertThat(Param.fromQuery("")).isEmpty();
        assertThat(Param.fromQuery("=x&flag&limit=10&empty=")).containsExactly(new Param("limit", "10"),
                new Param("empty", ""));
    }
}
