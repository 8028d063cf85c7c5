package dev.opensigma.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opensigma.stripe.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListableTypesTest {

    @Test
    void parentsComeBeforeTheirChildrenAndEveryParentIsInTheRegistry() {
        List<String> names = ListableTypes.all().stream().map(ListableType::name).toList();
        for (ListableType t : ListableTypes.all()) {
            if (t.isChild()) {
                assertThat(names).contains(t.parent().type());
                assertThat(names.indexOf(t.parent().type())).isLessThan(names.indexOf(t.name()));
            }
        }
        assertThat(names).contains("charges", "customers", "invoices", "invoice_line_items", "subscription_items",
                "credit_note_line_items", "checkout_session_line_items", "application_fee_refunds",
                "transfer_reversals", "tax_ids", "prices", "subscriptions", "early_fraud_warnings", "accounts");
    }

    @Test
    void selectingAChildListAlsoListsTheParentsItIsFoundThrough() {
        assertThat(ListableTypes.select(List.of("invoice_line_items")).stream().map(ListableType::name))
                .containsExactly("invoices", "invoice_line_items");
        assertThat(ListableTypes.select(List.of())).hasSize(ListableTypes.all().size());
        assertThatThrownBy(() -> ListableTypes.select(List.of("charge"))).hasMessageContaining("Unknown type 'charge'")
                .hasMessageContaining("charges");
    }

    @Test
    void defaultsThatHideObjectsAreOverriddenAndOnlyIncompleteEmbeddedListsAreFetched() throws Exception {
        ListableType subscriptions = ListableTypes.byName("subscriptions");
        assertThat(subscriptions.variants()).singleElement().asList().extracting("name", "value")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("status", "all"));
        assertThat(ListableTypes.byName("prices").variants()).hasSize(2);

        ListableType lines = ListableTypes.byName("invoice_line_items");
        assertThat(lines.pathFor("in_123")).isEqualTo("/v1/invoices/in_123/lines");
        assertThat(lines.needsFetching(Json.MAPPER.readTree("{\"lines\":{\"object\":\"list\",\"has_more\":false,\"data\":[]}}"))).isFalse();
        assertThat(lines.needsFetching(Json.MAPPER.readTree("{\"lines\":{\"object\":\"list\",\"has_more\":true,\"data\":[]}}"))).isTrue();

        ListableType items = ListableTypes.byName("subscription_items");
        assertThat(items.pathFor("sub_1")).isEqualTo("/v1/subscription_items");
        assertThat(items.paramsFor(0, "sub_1")).extracting("name", "value")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("subscription", "sub_1"));
        assertThat(ListableTypes.byName("tax_ids").needsFetching(Json.MAPPER.readTree("{}"))).isTrue();
    }

    @Test
    void theSameRequestResumesTheSameRunWhateverTheOrderOfTypes() {
        BackfillRequest a = new BackfillRequest(List.of("charges", "customers"), null, null, false, 8);
        BackfillRequest b = new BackfillRequest(List.of("customers", "charges"), null, null, false, 16);
        assertThat(a.selection()).isEqualTo(b.selection());
        assertThat(new BackfillRequest(List.of(), null, null, true, 8).selection()).isNotEqualTo(a.selection());
        assertThatThrownBy(() -> new BackfillRequest(List.of(), null, "cus_1", false, 8)).hasMessageContaining("acct_");
    }

    @Test
    void aParentsFieldNamesTheChildListThatReadsItInFull() {
        assertThat(BackfilledLists.listOf("invoice", "lines")).contains("invoice_line_items");
        assertThat(BackfilledLists.listOf("subscription", "items")).contains("subscription_items");
        assertThat(BackfilledLists.listOf("checkout.session", "line_items")).contains("checkout_session_line_items");
        assertThat(BackfilledLists.listOf("quote", "line_items")).contains("quote_line_items");
        assertThat(BackfilledLists.listOf("invoice", "line_items")).isEmpty();
        assertThat(BackfilledLists.listOf("customer", "lines")).isEmpty();
    }
}
