package dev.opensigma.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A minimal Stripe client for tests: real HTTP, a key, optionally a {@code Stripe-Account}. */
final class StripeHttp {

    /** One answer, its body parsed. */
    record Answer(int status, JsonNode json, HttpHeaders headers, String body) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 600 ? body.substring(0, 600) + "..." : body);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String key;
    private final String account;

    StripeHttp(String base, String key) {
        this(base, key, null);
    }

    private StripeHttp(String base, String key, String account) {
        this.base = base;
        this.key = key;
        this.account = account;
    }

    StripeHttp as(String stripeAccount) {
        return new StripeHttp(base, key, stripeAccount);
    }

    StripeHttp withKey(String otherKey) {
        return new StripeHttp(base, otherKey, account);
    }

    Answer get(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    Answer post(String path, String form) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    Answer delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** Every object of a list, paged with {@code limit=100} and {@code starting_after}; fails on any non-200. */
    List<JsonNode> all(String path, String query) {
        List<JsonNode> all = new ArrayList<>();
        String after = null;
        while (true) {
            String q = "limit=100" + (query == null || query.isEmpty() ? "" : "&" + query)
                    + (after == null ? "" : "&starting_after=" + after);
            Answer a = get(path + (path.contains("?") ? "&" : "?") + q);
            if (a.status() != 200) {
                throw new AssertionError("GET " + path + "?" + q + " answered " + a);
            }
            a.json().path("data").forEach(all::add);
            if (!a.json().path("has_more").asBoolean()) {
                return all;
            }
            after = all.getLast().path("id").asText();
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (account != null) {
            b.header("Stripe-Account", account);
        }
        return b;
    }

    static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.body());
            return new Answer(r.statusCode(), json, r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError("Request " + request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
