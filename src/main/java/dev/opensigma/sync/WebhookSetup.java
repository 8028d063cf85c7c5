package dev.opensigma.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.api.ApiSettings;
import dev.opensigma.stripe.api.Param;
import dev.opensigma.stripe.api.StripeApi;
import dev.opensigma.stripe.api.StripeApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Creates (or updates) the Stripe webhook endpoint that sends every event to OpenSigma, and keeps
 * its signing secret where {@code serve} finds it. Stripe shows a secret only when it creates the
 * endpoint, so an endpoint for the URL whose secret OpenSigma does not hold is replaced.
 */
public final class WebhookSetup {

    private static final String SECRET_OF = "select secret from webhook_secrets where endpoint_id = ?";
    private static final String SAVE = """
            insert into webhook_secrets (endpoint_id, url, secret, api_version) values (?, ?, ?, ?)
            on conflict (endpoint_id) do update set url = excluded.url, secret = excluded.secret, api_version = excluded.api_version""";
    private static final String FORGET = "delete from webhook_secrets where endpoint_id = ?";
    private static final String ALL_SECRETS = "select secret from webhook_secrets order by created_at";

    /** What was done: {@code created}, {@code updated} or {@code replaced}. */
    public record Outcome(String action, String endpointId, String url, String apiVersion) {
    }

    private final StripeApi api;
    private final DataSource dataSource;

    public WebhookSetup(StripeApi api, DataSource dataSource) {
        this.api = api;
        this.dataSource = dataSource;
    }

    public Outcome setUp(String url, boolean connect) throws StripeApiException, InterruptedException, SQLException {
        Optional<JsonNode> existing = find(url);
        if (existing.isPresent()) {
            String id = existing.get().path("id").asText();
            if (secretOf(id).isPresent()) {
                api.post("/v1/webhook_endpoints/" + id, List.of(new Param("enabled_events[]", "*"),
                        new Param("disabled", "false")), null);
                return new Outcome("updated", id, url, existing.get().path("api_version").asText(null));
            }
            api.delete("/v1/webhook_endpoints/" + id, null);
            forget(id);
            return create(url, connect, "replaced");
        }
        return create(url, connect, "created");
    }

    /** Every signing secret stored by {@link #setUp}, oldest first. */
    public static List<String> storedSecrets(DataSource dataSource) throws SQLException {
        List<String> secrets = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ALL_SECRETS);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                secrets.add(rs.getString(1));
            }
        }
        return secrets;
    }

    private Outcome create(String url, boolean connect, String action) throws StripeApiException, InterruptedException, SQLException {
        List<Param> form = new ArrayList<>(List.of(new Param("url", url), new Param("enabled_events[]", "*"),
                new Param("api_version", api.settings().apiVersion()),
                new Param("description", "OpenSigma: every event, for the self-hosted copy")));
        if (connect) {
            form.add(new Param("connect", "true"));
        }
        JsonNode endpoint = api.post("/v1/webhook_endpoints", form, null).body();
        String id = endpoint.path("id").asText();
        String secret = endpoint.path("secret").asText(null);
        if (secret == null) {
            throw new StripeApiException("Stripe created webhook endpoint " + id + " but returned no signing secret",
                    200, null, null, null);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SAVE)) {
            s.setString(1, id);
            s.setString(2, url);
            s.setString(3, secret);
            s.setString(4, endpoint.path("api_version").asText(ApiSettings.PINNED_VERSION));
            s.executeUpdate();
        }
        return new Outcome(action, id, url, endpoint.path("api_version").asText(null));
    }

    private Optional<JsonNode> find(String url) throws StripeApiException, InterruptedException {
        JsonNode[] found = {null};
        api.pageThrough("/v1/webhook_endpoints", List.of(), null, page -> {
            for (JsonNode endpoint : page.body().path("data")) {
                if (url.equals(endpoint.path("url").asText())) {
                    found[0] = endpoint;
                    return false;
                }
            }
            return true;
        });
        return Optional.ofNullable(found[0]);
    }

    private Optional<String> secretOf(String endpointId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SECRET_OF)) {
            s.setString(1, endpointId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private void forget(String endpointId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FORGET)) {
            s.setString(1, endpointId);
            s.executeUpdate();
        }
    }
}
