package dev.opensigma.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectTypesTest {

    @Test
    void tableNamesFollowSigma() {
        assertThat(ObjectTypes.tableName("customer")).isEqualTo("customers");
        assertThat(ObjectTypes.tableName("charge")).isEqualTo("charges");
        assertThat(ObjectTypes.tableName("payment_intent")).isEqualTo("payment_intents");
        assertThat(ObjectTypes.tableName("checkout.session")).isEqualTo("checkout_sessions");
        assertThat(ObjectTypes.tableName("radar.early_fraud_warning")).isEqualTo("early_fraud_warnings");
        assertThat(ObjectTypes.tableName("invoiceitem")).isEqualTo("invoice_items");
        assertThat(ObjectTypes.tableName("capability")).isEqualTo("capabilities");
        assertThat(ObjectTypes.tableName("tax.settings")).isEqualTo("tax_settings");
        assertThat(ObjectTypes.tableName("billing_portal.configuration")).isEqualTo("billing_portal_configurations");
        assertThat(ObjectTypes.tableName("issuing.authorization")).isEqualTo("issuing_authorizations");
        assertThat(ObjectTypes.tableName("address")).isEqualTo("addresses");
    }

    @Test
    void typesThatWouldCollideWithOurOwnTablesGetASuffix() {
        assertThat(ObjectTypes.tableName("event")).isEqualTo("events_objects");
        assertThat(ObjectTypes.tableName("object_type")).isEqualTo("object_types_objects");
        assertThat(ObjectTypes.tableName("field")).isEqualTo("fields_objects");
    }

    @Test
    void deletionRules() {
        assertThat(ObjectTypes.isDeletion("customer.deleted", false)).isTrue();
        assertThat(ObjectTypes.isDeletion("customer.discount.deleted", false)).isTrue();
        assertThat(ObjectTypes.isDeletion("customer.subscription.deleted", false)).isFalse();
        assertThat(ObjectTypes.isDeletion("customer.updated", false)).isFalse();
        assertThat(ObjectTypes.isDeletion(null, true)).isTrue();
    }

    @Test
    void onlySafeTypeNamesMakeTables() {
        assertThat(ObjectTypes.isValidType("checkout.session")).isTrue();
        assertThat(ObjectTypes.isValidType("Robert'); drop table events;--")).isFalse();
        assertThat(ObjectTypes.isValidType("")).isFalse();
    }
}
