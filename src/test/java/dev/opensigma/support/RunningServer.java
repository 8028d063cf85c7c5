package dev.opensigma.support;

import com.stripe.net.Webhook;
import dev.opensigma.Server;
import dev.opensigma.ServerSettings;
import dev.opensigma.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** An OpenSigma server on a random loopback port, with a client that talks to it over real HTTP. */
public final class RunningServer implements AutoCloseable {

    public static final String SECRET = "whsec_test_current";
    public static final String OLD_SECRET = "whsec_test_previous";
    public static final String DIRECT_TOKEN = "direct-token-for-tests-0123456789";

    private final Database db;
    private final Server server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RunningServer(Database db, Server server) {
        this.db = db;
        this.server = server;
    }

    public static RunningServer start(Database db) throws Exception {
        return start(db, List.of(OLD_SECRET, SECRET), Optional.of(DIRECT_TOKEN), 64 * 1024);
    }

    public static RunningServer start(Database db, List<String> secrets, Optional<String> directToken, long maxBody)
            throws Exception {
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, secrets, directToken, maxBody, 2, 500,
                Duration.ofSeconds(10), Optional.empty());
        return new RunningServer(db, Server.start(db, settings));
    }

    public Database db() {
        return db;
    }

    public Server server() {
        return server;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Signs with stripe-java's generator, as Stripe would, and posts to /webhooks. */
    public HttpResponse<String> sendWebhook(String body) throws Exception {
        return sendWebhook(body, SECRET, Webhook.Util.getTimeNow());
    }

    public HttpResponse<String> sendWebhook(String body, String secret, long timestamp) throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(body, secret, timestamp);
        return post("/webhooks", body, "application/json; charset=utf-8", "Stripe-Signature", header);
    }

    public HttpResponse<String> post(String path, String body, String contentType, String headerName, String headerValue)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headerName != null) {
            request.header(headerName, headerValue);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
