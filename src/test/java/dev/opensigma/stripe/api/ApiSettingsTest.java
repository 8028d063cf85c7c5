package dev.opensigma.stripe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiSettingsTest {

    @Test
    void keysAreMaskedLikeStripeMasksThemAndNeverPrintedWhole() {
        ApiKey key = ApiKey.of("sk_live_51AbCdEfGhIjKlMn0pQrStUv");
        assertThat(key.toString()).isEqualTo("sk_live_****StUv").doesNotContain("AbCdEf");
        assertThat(key.live()).isTrue();
        assertThat(key.restricted()).isFalse();
        ApiKey restricted = ApiKey.of("rk_test_abc123XYZ");
        assertThat(restricted.live()).isFalse();
        assertThat(restricted.restricted()).isTrue();
        assertThat(restricted.masked()).isEqualTo("rk_test_****3XYZ");
    }

    @Test
    void aMalformedOrMissingKeyIsExplainedWithoutEchoingIt() {
        assertThatThrownBy(() -> ApiKey.of(null)).hasMessageContaining("STRIPE_API_KEY");
        assertThatThrownBy(() -> ApiKey.of("pk_live_1234567890abcdef"))
                .hasMessageContaining("does not look like a Stripe key")
                .hasMessageNotContaining("1234567890abcdef");
    }

    @Test
    void budgetsDefaultToStripesLimitsForTheKeysModeAndCanBeOverridden() {
        ApiSettings live = ApiSettings.fromEnvironment(Map.of("STRIPE_API_KEY", "sk_live_abcdef123456"));
        ApiSettings test = ApiSettings.fromEnvironment(Map.of("STRIPE_API_KEY", "sk_test_abcdef123456"));
        assertThat(live.globalPerSecond()).isGreaterThan(test.globalPerSecond() * 3.9);
        assertThat(live.globalPerSecond()).isLessThanOrEqualTo(100);
        assertThat(test.endpointPerSecond()).isLessThanOrEqualTo(25);
        assertThat(live.apiVersion()).isEqualTo(com.stripe.Stripe.API_VERSION);
        assertThat(live.baseUrl().toString()).isEqualTo("https://api.stripe.com");

        ApiSettings custom = ApiSettings.fromEnvironment(Map.of("STRIPE_API_KEY", "sk_test_abcdef123456",
                "STRIPE_API_BASE", "http://127.0.0.1:12111/", "OPENSIGMA_STRIPE_GLOBAL_RPS", "7",
                "OPENSIGMA_STRIPE_ENDPOINT_RPS", "3"));
        assertThat(custom.baseUrl().toString()).isEqualTo("http://127.0.0.1:12111");
        assertThat(custom.globalPerSecond()).isEqualTo(7);
        assertThat(custom.endpointPerSecond()).isEqualTo(3);
        assertThatThrownBy(() -> ApiSettings.fromEnvironment(Map.of("STRIPE_API_KEY", "sk_test_abcdef123456",
                "OPENSIGMA_STRIPE_GLOBAL_RPS", "fast"))).hasMessageContaining("OPENSIGMA_STRIPE_GLOBAL_RPS");
        assertThatThrownBy(() -> ApiSettings.fromEnvironment(Map.of("STRIPE_API_KEY", "sk_test_abcdef123456",
                "STRIPE_API_BASE", "not a url"))).hasMessageContaining("STRIPE_API_BASE");
    }

    @Test
    void requestsAreCountedAgainstTheEndpointWithIdsBlanked() {
        assertThat(StripeApi.endpoint("GET", "/v1/charges")).isEqualTo("GET /v1/charges");
        assertThat(StripeApi.endpoint("GET", "/v1/invoices/in_1PqRsT2eZvKYlo2C/lines")).isEqualTo("GET /v1/invoices/:id/lines");
        assertThat(StripeApi.endpoint("GET", "/v1/radar/early_fraud_warnings")).isEqualTo("GET /v1/radar/early_fraud_warnings");
        assertThat(StripeApi.endpoint("GET", "/v1/checkout/sessions/cs_test_a1B2/line_items"))
                .isEqualTo("GET /v1/checkout/sessions/:id/line_items");
        assertThat(StripeApi.endpoint("GET", "/v1/customers/cus_9s6XKzkNRiz8i3/payment_methods"))
                .isEqualTo("GET /v1/customers/:id/payment_methods");
    }
}
