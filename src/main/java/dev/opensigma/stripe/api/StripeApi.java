package dev.opensigma.stripe.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe's REST API for one key. Thread-safe; every caller shares one {@link RequestBudget}, so
 * any number of workers stay inside the account's limits together.
 *
 * <p>Retries are ours (stripe-java retries nothing by default and hides response headers): 429s
 * wait and retry for as long as {@link #RATE_LIMIT_PATIENCE}, honouring {@code Stripe-Should-Retry}
 * and pausing the endpoint or the whole account as {@code Stripe-Rate-Limited-Reason} says; 5xx
 * and network errors are retried {@code maxAttempts} times with exponential backoff and jitter.
 * Every request and failure is logged with Stripe's request id, never with the key.
 */
public final class StripeApi {

    private static final Logger log = LoggerFactory.getLogger(StripeApi.class);

    static final Duration RATE_LIMIT_PATIENCE = Duration.ofMinutes(10);
    /** An id in a path ({@code in_1Pq...}, {@code acct_9x...}) has a digit or a capital; a resource name has neither. */
    private static final Pattern ID_SEGMENT = Pattern.compile("[a-z]+_.*[A-Z0-9].*");

    private final ApiSettings settings;
    private final RequestBudget budget;
    private final HttpClient http;
    private final LongAdder requests = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    /** Seconds Stripe takes to answer, smoothed (waiting for the budget not counted). */
    private volatile double latency = 0.25;

    public StripeApi(ApiSettings settings) {
        this.settings = settings;
        this.budget = new RequestBudget(settings.globalPerSecond(), settings.endpointPerSecond());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public ApiSettings settings() {
        return settings;
    }

    /** GET {@code path} with query parameters, on behalf of {@code account} (null: the key's own account). */
    public ApiResponse get(String path, List<Param> params, String account) throws StripeApiException, InterruptedException {
        return send("GET", path, params, account);
    }

    /** POST a form (Stripe's bracket notation), e.g. to create a webhook endpoint. */
    public ApiResponse post(String path, List<Param> form, String account) throws StripeApiException, InterruptedException {
        return send("POST", path, form, account);
    }

    public ApiResponse delete(String path, String account) throws StripeApiException, InterruptedException {
        return send("DELETE", path, List.of(), account);
    }

    /** Told each page of a list; returns false to stop early. */
    @FunctionalInterface
    public interface PageHandler {
        boolean page(ApiResponse page) throws StripeApiException, InterruptedException;
    }

    /**
     * Pages a whole list newest first ({@code limit=100}, {@code starting_after} the last id of
     * each page) until Stripe says there is no more or the handler stops.
     */
    public void pageThrough(String path, List<Param> params, String account, PageHandler handler)
            throws StripeApiException, InterruptedException {
        String cursor = null;
        while (true) {
            List<Param> all = new ArrayList<>(params);
            all.add(Param.of("limit", 100));
            if (cursor != null) {
                all.add(Param.of("starting_after", cursor));
            }
            ApiResponse page = get(path, all, account);
            JsonNode data = page.body().path("data");
            if (!handler.page(page) || data.isEmpty() || !page.body().path("has_more").asBoolean(false)) {
                return;
            }
            cursor = data.get(data.size() - 1).path("id").asText();
        }
    }

    /** How long Stripe takes to answer a request, smoothed over the last few dozen. */
    public double latencySeconds() {
        return latency;
    }

    /** Requests sent, 429s and 5xx seen so far (for reports). */
    public Counts counts() {
        return new Counts(requests.sum(), rateLimited.sum(), serverErrors.sum());
    }

    public record Counts(long requests, long rateLimited, long serverErrors) {
    }

    /** The endpoint Stripe counts a request against: method and path with ids blanked. */
    static String endpoint(String method, String path) {
        StringBuilder b = new StringBuilder(method).append(' ');
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                b.append('/').append(ID_SEGMENT.matcher(segment).matches() ? ":id" : segment);
            }
        }
        return b.toString();
    }

    private ApiResponse send(String method, String path, List<Param> params, String account)
            throws StripeApiException, InterruptedException {
        String endpoint = endpoint(method, path);
        HttpRequest request = request(method, path, params, account);
        long giveUpOnRateLimits = System.nanoTime() + RATE_LIMIT_PATIENCE.toNanos();
        int failures = 0;
        while (true) {
            budget.acquire(endpoint);
            requests.increment();
            HttpResponse<byte[]> response;
            long sent = System.nanoTime();
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                latency = 0.9 * latency + 0.1 * (System.nanoTime() - sent) / 1e9;
            } catch (IOException e) {
                failures++;
                if (failures >= settings.maxAttempts()) {
                    throw new StripeApiException("Could not reach Stripe at " + settings.baseUrl() + " for " + endpoint
                            + " after " + failures + " attempts: " + e + ". Check the network and STRIPE_API_BASE.",
                            0, null, null, e);
                }
                log.warn("{} {}: network error ({}), retrying (attempt {} of {})", method, path, e, failures, settings.maxAttempts());
                Thread.sleep(backoff(failures));
                continue;
            }
            int status = response.statusCode();
            String requestId = response.headers().firstValue("Request-Id").orElse(null);
            if (status >= 200 && status < 300) {
                log.debug("{} {} -> {} ({})", method, path, status, requestId);
                return new ApiResponse(parse(response.body(), endpoint, requestId), requestId, answeredAt(response));
            }
            StripeError error = StripeError.of(response.body());
            boolean mayRetry = response.headers().firstValue("Stripe-Should-Retry").map(Boolean::parseBoolean).orElse(true);
            if (status == 401 || status == 403) {
                throw new AccessDeniedException(refusal(status, error, endpoint), status, error.code(), requestId);
            }
            if (status == 429 && mayRetry) {
                rateLimited.increment();
                if (System.nanoTime() > giveUpOnRateLimits) {
                    throw new StripeApiException("Stripe kept answering 429 (rate limited) to " + endpoint + " for "
                            + RATE_LIMIT_PATIENCE.toMinutes() + " minutes (last request id " + requestId + "). Another"
                            + " client may be using this account's rate limit; lower OPENSIGMA_STRIPE_GLOBAL_RPS or try later.",
                            status, error.code(), requestId, null);
                }
                String reason = response.headers().firstValue("Stripe-Rate-Limited-Reason").orElse("");
                long pause = 250 + ThreadLocalRandom.current().nextLong(500);
                budget.pause(endpoint, reason.startsWith("global"), pause);
                log.debug("{} {}: 429 {} ({}), pausing {} ms", method, path, reason, requestId, pause);
                continue;
            }
            boolean transientError = status >= 500 || status == 409 || status == 429;
            if (transientError && mayRetry && ++failures < settings.maxAttempts()) {
                if (status >= 500) {
                    serverErrors.increment();
                }
                log.warn("{} {}: Stripe answered {} ({}), retrying (attempt {} of {})", method, path, status,
                        requestId, failures, settings.maxAttempts());
                Thread.sleep(backoff(failures));
                continue;
            }
            throw new StripeApiException(endpoint + " failed with HTTP " + status + (error.message() == null ? ""
                    : ": " + error.message()) + (requestId == null ? "" : " (request " + requestId + ")")
                    + (transientError ? " after " + failures + " attempts" : ""), status, error.code(), requestId, null);
        }
    }

    private String refusal(int status, StripeError error, String endpoint) {
        String stripeSays = error.message() == null ? "" : " Stripe says: " + error.message();
        if (status == 401) {
            return "Stripe rejected the API key " + settings.key().masked() + " (401) for " + endpoint + "." + stripeSays
                    + " Check STRIPE_API_KEY: the key may be mistyped, revoked, or from another account or mode.";
        }
        return "The API key " + settings.key().masked() + " may not use " + endpoint + " (403)." + stripeSays
                + (settings.key().restricted() ? " Give the restricted key read access to this resource in the Stripe"
                + " dashboard (Developers > API keys), or leave this type out with --types." : "");
    }

    private HttpRequest request(String method, String path, List<Param> params, String account) {
        String encoded = params.stream()
                .map(p -> URLEncoder.encode(p.name(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(p.value(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        boolean form = method.equals("POST");
        URI uri = URI.create(settings.baseUrl() + path + (!form && !encoded.isEmpty() ? "?" + encoded : ""));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Authorization", "Bearer " + settings.key().secret())
                .header("Stripe-Version", settings.apiVersion())
                .header("User-Agent", "OpenSigma");
        if (account != null) {
            b.header("Stripe-Account", account);
        }
        if (form) {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(encoded));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private static JsonNode parse(byte[] body, String endpoint, String requestId) throws StripeApiException {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new StripeApiException(endpoint + " answered with a body that is not JSON (request " + requestId + ")",
                    200, null, requestId, e);
        }
    }

    private static Instant answeredAt(HttpResponse<?> response) {
        return response.headers().firstValue("Date").map(date -> {
            try {
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }).orElseGet(Instant::now);
    }

    /** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s, ... capped at 30 s. */
    private static long backoff(int failures) {
        long cap = Math.min(30_000, 500L << Math.min(failures - 1, 10));
        return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
    }

    /** Stripe's error body: {@code {"error": {"type", "code", "message"}}}. */
    private record StripeError(String type, String code, String message) {
        static StripeError of(byte[] body) {
            try {
                JsonNode error = Json.MAPPER.readTree(body).path("error");
                return new StripeError(error.path("type").asText(null), error.path("code").asText(null),
                        error.path("message").asText(null));
            } catch (IOException | RuntimeException e) {
                return new StripeError(null, null, null);
            }
        }
    }
}
