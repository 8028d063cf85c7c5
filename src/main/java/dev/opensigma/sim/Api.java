package dev.opensigma.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opensigma.stripe.Json;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The simulated Stripe API, independent of HTTP plumbing: authentication, {@code Stripe-Account}
 * scoping, rate limits, injected failures, restricted-key permissions, then the endpoint itself.
 * Answers are Stripe's, errors included.
 */
final class Api {

    /** What the API needs of a request. */
    record Request(String method, String path, String query, byte[] body, String contentType, String authorization,
                   String stripeAccount, String stripeVersion, long arrivalNanos) {
    }

    /** An answer: status, JSON body, headers; {@code fast} answers skip the simulated latency. */
    record Response(int status, byte[] body, Map<String, String> headers, String endpoint, String maskedKey, boolean fast) {
    }

    private static final Set<String> SUBSCRIPTION_STATUSES = Set.of("active", "all", "canceled", "ended", "incomplete",
            "incomplete_expired", "past_due", "paused", "trialing", "unpaid");

    private final Store store;
    private final SimulatorSettings settings;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final Webhooks webhooks;
    private final Clock clock;
    private final byte[] platformAccountJson;

    /** The simulator's clock, in Unix seconds (real time). */
    interface Clock {
        long now();
    }

    Api(Store store, SimulatorSettings settings, Webhooks webhooks, Clock clock, byte[] platformAccountJson) {
        this.store = store;
        this.settings = settings;
        this.keys = new ApiKeys(settings.apiKeys());
        this.limiter = new RateLimiter(settings.globalLimit(), settings.testModeGlobalLimit(), settings.endpointLimit());
        this.webhooks = webhooks;
        this.clock = clock;
        this.platformAccountJson = platformAccountJson;
    }

    Response handle(Request r) {
        String requestId = "req_" + Ids.random(14, ThreadLocalRandom.current());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Request-Id", requestId);
        headers.put("Stripe-Version", r.stripeVersion() == null || r.stripeVersion().isBlank() ? Resources.API_VERSION
                : r.stripeVersion());
        if (r.stripeAccount() != null) {
            headers.put("Stripe-Account", r.stripeAccount());
        }
        Router.Match match = Router.match(r.method(), r.path());
        String endpoint = match == null ? r.method() + " (unrecognized)" : match.route().endpoint();
        String masked = ApiKeys.mask(ApiKeys.extract(r.authorization()));
        boolean fast = false;
        try {
            ApiKeys.Key key = keys.authenticate(r.authorization());
            AccountData account = account(r.stripeAccount(), key);
            // Limits belong to the key's account (the platform): acting for a connected account does not add budget.
            String reason = limiter.admit(store.accounts().platform().id(), key.live(), endpoint, r.arrivalNanos());
            if (reason != null) {
                fast = true;
                throw rateLimited(reason);
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (settings.rateLimitRate() > 0 && random.nextDouble() < settings.rateLimitRate()) {
                fast = true;
                throw rateLimited("global-concurrency");
            }
            if (settings.errorRate() > 0 && random.nextDouble() < settings.errorRate()) {
                throw new ApiError(500, "api_error", null, "An unknown error occurred. (Injected by the simulator at"
                        + " --error-rate " + settings.errorRate() + ".)", null).header("Stripe-Should-Retry", "true");
            }
            if (match == null) {
                for (String other : new String[] {"GET", "POST", "DELETE"}) {
                    if (!other.equals(r.method()) && Router.match(other, r.path()) != null) {
                        throw ApiError.invalid("The Stripe simulator does not simulate " + r.method() + " " + r.path()
                                + ": it serves reads, events and webhook endpoints. Run this request against Stripe test mode.",
                                null);
                    }
                }
                throw ApiError.unrecognizedUrl(r.method(), r.path());
            }
            checkPermission(key, match.route(), account);
            byte[] body = dispatch(match, r, account, key);
            return new Response(200, key.live() ? LiveRendering.of(body) : body, headers, endpoint, masked, false);
        } catch (ApiError e) {
            headers.putAll(e.headers);
            return new Response(e.status, json(e.body(requestId)), headers, endpoint, masked, fast);
        }
    }

    private static ApiError rateLimited(String reason) {
        return new ApiError(429, "invalid_request_error", "rate_limit", "Request rate limit exceeded. You can learn more about"
                + " rate limits here https://stripe.com/docs/rate-limits.", null)
                .header("Stripe-Rate-Limited-Reason", reason).header("Stripe-Should-Retry", "true");
    }

    private AccountData account(String stripeAccount, ApiKeys.Key key) {
        AccountData platform = store.account(store.accounts().platform().id());
        if (stripeAccount == null || stripeAccount.isBlank() || stripeAccount.equals(platform.account.id())) {
            return platform;
        }
        AccountData connected = store.account(stripeAccount.trim());
        if (connected == null) {
            throw new ApiError(403, "invalid_request_error", "account_invalid", "The provided key '" + key.masked()
                    + "' does not have access to account '" + stripeAccount + "' (or that account does not exist)."
                    + " Application access may have been revoked.", null);
        }
        return connected;
    }

    private void checkPermission(ApiKeys.Key key, Router.Route route, AccountData account) {
        if (!key.restricted() || settings.deniedToRestrictedKeys().isEmpty()) {
            return;
        }
        String resource = route.nested() != null ? route.nested().parentResource() : route.resource();
        for (String candidate : route.nested() != null ? List.of(route.nested().child(), resource) : List.of(resource)) {
            if (denied(candidate)) {
                String permission = Resources.readPermission(candidate);
                if (!"GET".equals(route.method())) {
                    permission = permission.replace("_read", "_write");
                }
                throw new ApiError(403, "invalid_request_error", null, "The provided key '" + key.masked() + "' does not have"
                        + " the required permissions for this endpoint on account '" + account.account.id() + "'. Having the '"
                        + permission + "' permission would allow this request to continue.", null);
            }
        }
    }

    private boolean denied(String resource) {
        for (String d : settings.deniedToRestrictedKeys()) {
            String n = d.trim();
            if (n.equals(resource) || n.equals(resource.replace('/', '_'))
                    || n.equals(resource.substring(resource.lastIndexOf('/') + 1))) {
                return true;
            }
        }
        return false;
    }

    private byte[] dispatch(Router.Match m, Request r, AccountData account, ApiKeys.Key key) {
        Router.Route route = m.route();
        Params params = Params.parse(r.query());
        return switch (route.kind()) {
            case ACCOUNT -> {
                params.allowOnly(Set.of());
                yield account.account.platform() ? platformAccountJson
                        : store.account(store.accounts().platform().id()).byId.get(account.account.id()).json();
            }
            case LIST -> list(route.top(), params, account);
            case RETRIEVE -> retrieve(route.top().type(), m.ids().getFirst(), params, account);
            case LIST_NESTED -> nested(route.nested(), m.ids().getFirst(), params, account);
            case RETRIEVE_NESTED -> retrieveNested(route.nested(), m.ids().get(0), m.ids().get(1), params, account);
            case EVENTS -> events(params, account);
            case EVENT -> event(m.ids().getFirst(), params, account);
            case WEBHOOKS -> webhooks.list(params, account.account);
            case WEBHOOK -> webhooks.retrieve(m.ids().getFirst(), params, account.account);
            case CREATE_WEBHOOK -> webhooks.create(form(r, params), account.account, key.live());
            case UPDATE_WEBHOOK -> webhooks.update(m.ids().getFirst(), form(r, params), account.account);
            case DELETE_WEBHOOK -> webhooks.delete(m.ids().getFirst(), account.account);
        };
    }

    /** POST parameters: the form body, plus any in the query string (Stripe reads both). */
    private static Params form(Request r, Params query) {
        String body = r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8);
        String all = query.names().isEmpty() ? body : body.isEmpty() ? r.query() : body + "&" + r.query();
        return Params.parse(all);
    }

    // ---- lists ------------------------------------------------------------------------------

    private byte[] list(Resources.TopList spec, Params params, AccountData account) {
        Set<String> filters = new java.util.HashSet<>(spec.filters().keySet());
        if (spec.parentKey() != null) {
            filters.add(spec.parentKey());
        }
        params.allowOnly(Lists.allowed(spec.created(), filters));
        noExpand(params);
        Lists.Query q = Lists.query(params, spec.created());
        Listing listing;
        if (spec.parentKey() != null) {
            String parentId = params.get(spec.parentKey());
            if (parentId == null || parentId.isEmpty()) {
                throw ApiError.invalid("parameter_missing", "Missing required param: " + spec.parentKey() + ".", spec.parentKey());
            }
            StoredObject parent = account.byId.get(parentId);
            if (parent == null || parent.deleted() || !parent.type.equals(spec.parentKey())) {
                throw ApiError.missing(spec.parentKey(), parentId, spec.parentKey());
            }
            listing = account.existingList(Resources.childKey(parentId, spec.childList()));
        } else if ("account".equals(spec.type()) && !account.account.platform()) {
            listing = null; // a connected account has no connected accounts of its own
        } else {
            listing = account.existingList(spec.type());
        }
        Set<String> skip = new HashSet<>(DEFAULTED.getOrDefault(spec.type(), Set.of()));
        if (spec.parentKey() != null) {
            skip.add(spec.parentKey());
        }
        Predicate<StoredObject> filter = facetFilter(spec.type(), spec.filters(), params, skip);
        filter = filter.and(defaults(spec.type(), params));
        StoredObject cursor = cursor(q, account.byId, spec.type());
        return Lists.page(listing, q, cursor, filter, spec.path());
    }

    private byte[] nested(Resources.NestedList spec, String parentId, Params params, AccountData account) {
        params.allowOnly(Lists.allowed(false, spec.filters().keySet()));
        noExpand(params);
        Lists.Query q = Lists.query(params, false);
        StoredObject parent = account.byId.get(parentId);
        if (parent == null || parent.deleted() || !parent.type.equals(spec.parentType())) {
            throw ApiError.missing(spec.parentType(), parentId, null);
        }
        Listing listing = account.existingList(Resources.childKey(parentId, spec.child()));
        StoredObject cursor = cursor(q, account.byId, spec.type());
        if (cursor != null && !parentId.equals(cursor.parentId) && !"refund".equals(spec.type())) {
            throw ApiError.missing(spec.type(), q.cursorId(), q.startingAfter() != null ? "starting_after" : "ending_before");
        }
        Predicate<StoredObject> filter = facetFilter(spec.type(), spec.filters(), params, Set.of());
        return Lists.page(listing, q, cursor, filter, "/v1/" + spec.parentResource() + "/" + parentId + "/" + spec.child());
    }

    private byte[] events(Params params, AccountData account) {
        params.allowOnly(Lists.allowed(true, Set.of("type", "types", "delivery_success")));
        noExpand(params);
        if (params.has("delivery_success")) {
            throw ApiError.invalid("The simulator does not filter events by delivery_success; list them all and check your"
                    + " webhook receiver instead.", "delivery_success");
        }
        Lists.Query q = Lists.query(params, true);
        long oldest = clock.now() - World.EVENT_RETENTION;
        q = new Lists.Query(q.limit(), q.startingAfter(), q.endingBefore(), Math.max(q.minCreated(), oldest), q.maxCreated());
        String type = params.get("type");
        List<String> types = params.list("types");
        if (type != null && !types.isEmpty()) {
            throw ApiError.invalid("You may only specify one of these parameters: type, types.", "type");
        }
        if (types.size() > 20) {
            throw ApiError.invalid("You may pass up to 20 types.", "types");
        }
        Predicate<StoredObject> filter;
        if (type != null) {
            filter = type.endsWith("*") ? e -> e.facet(0).startsWith(type.substring(0, type.length() - 1))
                    : e -> e.facet(0).equals(type);
        } else if (!types.isEmpty()) {
            Set<String> set = Set.copyOf(types);
            filter = e -> set.contains(e.facet(0));
        } else {
            filter = e -> true;
        }
        StoredObject cursor = null;
        if (q.cursorId() != null) {
            cursor = account.eventsById.get(q.cursorId());
            if (cursor == null) {
                throw ApiError.missing("event", q.cursorId(), q.startingAfter() != null ? "starting_after" : "ending_before");
            }
        }
        return Lists.page(account.events, q, cursor, filter.and(account::listed), "/v1/events");
    }

    private byte[] event(String id, Params params, AccountData account) {
        params.allowOnly(Set.of("expand"));
        noExpand(params);
        StoredObject e = account.eventsById.get(id);
        if (e == null || e.created < clock.now() - World.EVENT_RETENTION) {
            throw ApiError.missing("event", id, null);
        }
        return e.json();
    }

    /** The filters {@link #defaults} handles, by type; every other filter is plain equality. */
    private static final Map<String, Set<String>> DEFAULTED = Map.of(
            "subscription", Set.of("status"), "price", Set.of("active"), "product", Set.of("active"),
            "tax_rate", Set.of("active"));

    /** Stripe's defaults that hide data: canceled subscriptions, inactive prices. */
    private static Predicate<StoredObject> defaults(String type, Params params) {
        int index;
        switch (type) {
            case "subscription" -> {
                String status = params.get("status");
                index = Resources.facets(type).indexOf("status");
                if (status == null) {
                    return o -> !"canceled".equals(o.facet(index)) && !"incomplete_expired".equals(o.facet(index));
                }
                if (!SUBSCRIPTION_STATUSES.contains(status)) {
                    throw ApiError.invalid("Invalid status: must be one of active, all, canceled, ended, incomplete,"
                            + " incomplete_expired, past_due, paused, trialing, or unpaid", "status");
                }
                return switch (status) {
                    case "all" -> o -> true;
                    case "ended" -> o -> "canceled".equals(o.facet(index)) || "incomplete_expired".equals(o.facet(index));
                    default -> o -> status.equals(o.facet(index));
                };
            }
            case "price" -> {
                index = Resources.facets(type).indexOf("active");
                String active = bool(params, "active");
                String wanted = active == null ? "true" : active;
                return o -> wanted.equals(o.facet(index));
            }
            case "product", "tax_rate" -> {
                index = Resources.facets(type).indexOf("active");
                String active = bool(params, "active");
                return active == null ? o -> true : o -> active.equals(o.facet(index));
            }
            default -> {
                return o -> true;
            }
        }
    }

    private static String bool(Params params, String name) {
        String v = params.get(name);
        if (v != null && !v.equals("true") && !v.equals("false")) {
            throw ApiError.invalid("Invalid boolean: " + v, name);
        }
        return v;
    }

    /** Equality filters on the object's own fields ({@code customer=cus_...}), except those handled elsewhere. */
    private static Predicate<StoredObject> facetFilter(String type, Map<String, String> filters, Params params, Set<String> skip) {
        Predicate<StoredObject> p = o -> true;
        List<String> facets = Resources.facets(type);
        for (Map.Entry<String, String> f : filters.entrySet()) {
            if (skip.contains(f.getKey())) {
                continue;
            }
            String wanted = params.get(f.getKey());
            if (wanted == null) {
                continue;
            }
            int index = facets.indexOf(f.getValue());
            p = p.and(o -> Objects.equals(wanted, o.facet(index)));
        }
        return p;
    }

    private static StoredObject cursor(Lists.Query q, Map<String, StoredObject> byId, String type) {
        if (q.cursorId() == null) {
            return null;
        }
        StoredObject o = byId.get(q.cursorId());
        if (o == null || !o.type.equals(type)) {
            throw ApiError.missing(type, q.cursorId(), q.startingAfter() != null ? "starting_after" : "ending_before");
        }
        return o;
    }

    private static void noExpand(Params params) {
        if (params.has("expand")) {
            throw ApiError.invalid("The simulator does not expand objects; fetch the referenced objects by id instead.",
                    "expand");
        }
    }

    // ---- retrieve ---------------------------------------------------------------------------

    private byte[] retrieve(String type, String id, Params params, AccountData account) {
        params.allowOnly(Set.of("expand"));
        noExpand(params);
        if ("account".equals(type)) {
            AccountData platform = store.account(store.accounts().platform().id());
            StoredObject a = platform.byId.get(id);
            boolean visible = account.account.platform() || id.equals(account.account.id());
            if (id.equals(platform.account.id()) && account.account.platform()) {
                return platformAccountJson;
            }
            if (a == null || !visible) {
                throw ApiError.missing("account", id, null);
            }
            return a.json();
        }
        StoredObject o = account.byId.get(id);
        if (o == null || !o.type.equals(type)) {
            throw ApiError.missing(type, id, null);
        }
        if (o.deleted()) {
            if ("customer".equals(type)) {
                return ("{\"id\":\"" + id + "\",\"object\":\"customer\",\"deleted\":true}").getBytes(StandardCharsets.UTF_8);
            }
            if ("payment_method".equals(type)) {
                return o.json(); // detached (kept off every list), but Stripe still returns it, customer null
            }
            throw ApiError.missing(type, id, null);
        }
        return o.json();
    }

    private byte[] retrieveNested(Resources.NestedList spec, String parentId, String id, Params params, AccountData account) {
        params.allowOnly(Set.of("expand"));
        noExpand(params);
        StoredObject parent = account.byId.get(parentId);
        if (parent == null || parent.deleted() || !parent.type.equals(spec.parentType())) {
            throw ApiError.missing(spec.parentType(), parentId, null);
        }
        StoredObject o = account.byId.get(id);
        boolean under = o != null && (parentId.equals(o.parentId) || parentId.equals(jsonField(o, "charge")));
        if (!under || !o.type.equals(spec.type()) || o.deleted()) {
            throw ApiError.missing(spec.type(), id, null);
        }
        return o.json();
    }

    private static String jsonField(StoredObject o, String field) {
        return Store.parse(o.bytes()).path(field).asText(null);
    }

    static byte[] json(ObjectNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
