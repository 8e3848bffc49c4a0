package dev.sinew.shop.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Response helpers: every body is JSON; degraded answers carry the header and the field. */
public final class Http {

    static final String JSON_WRITTEN = "sinew.json-written";
    public static final String DEGRADED_HEADER = "X-Sinew-Degraded";

    private Http() {
    }

    public static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(Json.write(body));
        ctx.attribute(JSON_WRITTEN, Boolean.TRUE);
    }

    /** Marks the answer degraded: header {@code X-Sinew-Degraded} and field {@code "degraded"}. */
    public static void degraded(Context ctx, int status, ObjectNode body, String reason) {
        body.put("degraded", reason);
        ctx.header(DEGRADED_HEADER, reason);
        json(ctx, status, body);
    }

    public static void error(Context ctx, int status, String code, String message) {
        json(ctx, status, Json.object().put("error", code).put("message", message));
    }

    /** Passes a peer's 2xx–4xx answer through unchanged. */
    public static void relay(Context ctx, PeerResponse r) {
        ctx.status(r.status());
        ctx.contentType("application/json");
        ctx.result(r.body() == null ? "{}" : r.body());
        ctx.attribute(JSON_WRITTEN, Boolean.TRUE);
    }
}
