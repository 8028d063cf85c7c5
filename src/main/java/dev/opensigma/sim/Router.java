package dev.opensigma.sim;

import java.util.ArrayList;
import java.util.List;

/** Which endpoint a method and path are: route templates with {@code :id} placeholders. */
final class Router {

    enum Kind { ACCOUNT, LIST, RETRIEVE, LIST_NESTED, RETRIEVE_NESTED, EVENTS, EVENT, WEBHOOKS, WEBHOOK, CREATE_WEBHOOK,
        UPDATE_WEBHOOK, DELETE_WEBHOOK }

    /**
     * A route. {@code resource} is what permissions are named after ({@code charges},
     * {@code tax_ids}); {@code top}/{@code nested} say which list it serves.
     */
    record Route(String method, String template, Kind kind, String resource, Resources.TopList top,
                 Resources.NestedList nested) {

        String endpoint() {
            return method + " " + template;
        }
    }

    /** A matched route and the ids in its path ({@code :id} first, then {@code :child}). */
    record Match(Route route, List<String> ids) {
    }

    /** Nested lists whose entries Stripe also serves one by one ({@code /v1/customers/:id/tax_ids/:child}). */
    private static final java.util.Set<String> NESTED_RETRIEVE = java.util.Set.of("tax_ids", "payment_methods", "refunds",
            "reversals");
    private static final List<Route> ROUTES = routes();

    private Router() {
    }

    static Match match(String method, String path) {
        String[] parts = split(path);
        for (Route r : ROUTES) {
            if (!r.method().equals(method)) {
                continue;
            }
            String[] t = split(r.template());
            if (t.length != parts.length) {
                continue;
            }
            List<String> ids = new ArrayList<>(2);
            boolean ok = true;
            for (int i = 0; i < t.length && ok; i++) {
                if (t[i].startsWith(":")) {
                    ok = !parts[i].isEmpty();
                    ids.add(parts[i]);
                } else {
                    ok = t[i].equals(parts[i]);
                }
            }
            if (ok) {
                return new Match(r, ids);
            }
        }
        return null;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.split("/", -1);
    }

    private static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", "/v1/account", Kind.ACCOUNT, "accounts", null, null));
        for (Resources.TopList t : Resources.TOP) {
            switch (t.resource()) {
                case "events" -> {
                    routes.add(new Route("GET", "/v1/events", Kind.EVENTS, "events", t, null));
                    routes.add(new Route("GET", "/v1/events/:id", Kind.EVENT, "events", t, null));
                }
                case "webhook_endpoints" -> {
                    routes.add(new Route("GET", "/v1/webhook_endpoints", Kind.WEBHOOKS, t.resource(), t, null));
                    routes.add(new Route("POST", "/v1/webhook_endpoints", Kind.CREATE_WEBHOOK, t.resource(), t, null));
                    routes.add(new Route("GET", "/v1/webhook_endpoints/:id", Kind.WEBHOOK, t.resource(), t, null));
                    routes.add(new Route("POST", "/v1/webhook_endpoints/:id", Kind.UPDATE_WEBHOOK, t.resource(), t, null));
                    routes.add(new Route("DELETE", "/v1/webhook_endpoints/:id", Kind.DELETE_WEBHOOK, t.resource(), t, null));
                }
                default -> {
                    routes.add(new Route("GET", t.path(), Kind.LIST, t.resource(), t, null));
                    routes.add(new Route("GET", t.path() + "/:id", Kind.RETRIEVE, t.resource(), t, null));
                }
            }
        }
        for (Resources.NestedList n : Resources.NESTED) {
            routes.add(new Route("GET", n.template(), Kind.LIST_NESTED, n.child(), null, n));
            if (NESTED_RETRIEVE.contains(n.child())) {
                routes.add(new Route("GET", n.template() + "/:child", Kind.RETRIEVE_NESTED, n.child(), null, n));
            }
        }
        return List.copyOf(routes);
    }
}
