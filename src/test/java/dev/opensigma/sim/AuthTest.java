package dev.opensigma.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API keys as Stripe checks them: missing or invalid keys, basic auth, restricted keys and their permissions. */
class AuthTest {

    private static StripeSimulator sim;

    @BeforeAll
    static void start() {
        sim = StripeSimulator.start(SimulatorSettings.fast()
                .withApiKeys(Set.of("sk_test_goodKey1234", "rk_test_restricted9876", "sk_live_goodKey5678"))
                .withDeniedToRestrictedKeys(Set.of("charges", "checkout/sessions")));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void aMissingKeyIs401() {
        StripeHttp.Answer a = new StripeHttp(sim.baseUrl(), null).get("/v1/customers");

        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(a.json().path("error").path("message").asText()).startsWith("You did not provide an API key.");
        assertThat(a.header("Request-Id")).startsWith("req_");
    }

    @Test
    void anUnknownKeyIs401WithTheKeyMasked() {
        StripeHttp.Answer a = new StripeHttp(sim.baseUrl(), "sk_test_wrongKeyabcd").get("/v1/customers");
        StripeHttp.Answer malformed = new StripeHttp(sim.baseUrl(), "hello").get("/v1/customers");

        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().path("error").path("message").asText()).isEqualTo("Invalid API Key provided: sk_test_****abcd");
        assertThat(malformed.status()).isEqualTo(401);
        assertThat(sim.requests()).anyMatch(r -> "sk_test_****abcd".equals(r.apiKey()) && r.status() == 401);
        assertThat(sim.requests()).noneMatch(r -> r.apiKey() != null && r.apiKey().contains("wrongKey"));
    }

    @Test
    void basicAuthWithTheKeyAsUserWorks() {
        String basic = Base64.getEncoder().encodeToString("sk_test_goodKey1234:".getBytes(StandardCharsets.UTF_8));
        StripeHttp.Answer a = StripeHttp.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/customers?limit=1"))
                .header("Authorization", "Basic " + basic).build());

        assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void aRestrictedKeyIsRefusedWhatItMayNotReadNamingThePermission() {
        StripeHttp restricted = new StripeHttp(sim.baseUrl(), "rk_test_restricted9876");

        StripeHttp.Answer charges = restricted.get("/v1/charges");
        StripeHttp.Answer sessions = restricted.get("/v1/checkout/sessions");
        String chargeId = new StripeHttp(sim.baseUrl(), "sk_test_goodKey1234").get("/v1/charges?limit=1").json()
                .path("data").get(0).path("id").asText();
        StripeHttp.Answer refunds = restricted.get("/v1/charges/" + chargeId + "/refunds");

        assertThat(charges.status()).isEqualTo(403);
        assertThat(charges.json().path("error").path("message").asText()).isEqualTo("The provided key 'rk_test_****9876' does"
                + " not have the required permissions for this endpoint on account '" + sim.platformAccountId() + "'. Having the"
                + " 'rak_charge_read' permission would allow this request to continue.");
        assertThat(sessions.status()).isEqualTo(403);
        assertThat(sessions.json().path("error").path("message").asText()).contains("'rak_checkout_session_read'");
        assertThat(refunds.status()).isEqualTo(403);
        assertThat(restricted.get("/v1/customers").status()).isEqualTo(200);
        assertThat(new StripeHttp(sim.baseUrl(), "sk_test_goodKey1234").get("/v1/charges").status()).isEqualTo(200);
    }
}
