package dev.sinew.shop.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered to the client as {@code {"error":"<code>","message":"<text>"}} with the given
 * status (and optional headers such as {@code Retry-After}). Thrown by handlers; the runtime maps it.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    /** 503 with {@code Retry-After}: the dependency is down, the client should come back later. */
    public static ApiException unavailable(String code, String message, int retryAfterSeconds) {
        return new ApiException(503, code, message).header("Retry-After", Integer.toString(retryAfterSeconds));
    }

    public ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
