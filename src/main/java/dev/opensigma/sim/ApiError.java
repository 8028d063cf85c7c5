package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** An error answer in Stripe's shape: {@code {"error":{"code","doc_url","message","param","type"}}}. */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String type;
    final String code;
    final String param;
    final Map<String, String> headers = new LinkedHashMap<>();

    ApiError(int status, String type, String code, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", null, message, param);
    }

    static ApiError invalid(String code, String message, String param) {
        return new ApiError(400, "invalid_request_error", code, message, param);
    }

    static ApiError missing(String type, String id, String param) {
        return new ApiError(param == null ? 404 : 400, "invalid_request_error", "resource_missing",
                "No such " + type + ": '" + id + "'", param);
    }

    static ApiError unknownParameter(String name) {
        return invalid("parameter_unknown", "Received unknown parameter: " + name, name);
    }

    static ApiError unrecognizedUrl(String method, String path) {
        return new ApiError(404, "invalid_request_error", null, "Unrecognized request URL (" + method + ": " + path
                + "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", null);
    }

    ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    ObjectNode body(String requestId) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        if (code != null) {
            error.put("code", code).put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        error.put("message", getMessage());
        if (param != null) {
            error.put("param", param);
        }
        error.put("request_log_url", "https://dashboard.stripe.com/test/logs/" + requestId).put("type", type);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return body;
    }
}
