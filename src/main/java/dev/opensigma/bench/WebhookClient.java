package dev.opensigma.bench;

import com.stripe.net.Webhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Posts events to {@code /webhooks} over real HTTP/1.1 the way Stripe does: one event per request,
 * signed with the endpoint's secret ({@code Stripe-Signature}) at the moment it is sent.
 */
final class WebhookClient implements AutoCloseable {

    /** Longer than the server's commit timeout, so a slow commit shows as a 503, not a client give-up. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI endpoint;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    WebhookClient(URI endpoint, String secret) {
        this.endpoint = endpoint;
        this.secret = secret;
    }

    /** Sends and waits; returns the HTTP status. */
    int send(BenchEvent event) throws Exception {
        return http.send(request(event), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Sends without waiting; the future completes with the HTTP status. */
    CompletableFuture<Integer> sendAsync(BenchEvent event) {
        return http.sendAsync(request(event), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    private HttpRequest request(BenchEvent event) {
        String signature;
        try {
            signature = Webhook.Signature.generateSignatureHeader(event.body(), secret, Webhook.Util.getTimeNow());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
        return HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(event.bytes()))
                .build();
    }

    @Override
    public void close() {
        http.close();
    }
}
