package dev.sinew.shop.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.config.SinewRegistry;
import dev.sinew.console.admin.AdminActions;
import dev.sinew.console.admin.AdminException;
import dev.sinew.console.security.AdminToken;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.Http;
import dev.sinew.shop.runtime.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service's admin API, for the console: {@code GET /admin/state}, {@code POST
 * /admin/breakers/{pipeline}} ({@code {"action":"open|close|reset"}}), {@code POST
 * /admin/switches/{pipeline}} ({@code {"off":true}}), {@code POST /admin/read-only}
 * ({@code {"on":true,"retryAfterSeconds":5}}) and {@code POST /admin/pipelines/{pipeline}/settings}
 * ({@code {"settings":{"breaker.failure-rate-threshold":"30"}}}). On only when the service was
 * started with {@code -Dsinew.admin.token-file=<file>} (the launcher does); every request needs
 * {@code Authorization: Bearer <token>} and must come from a loopback address (401 / 403 JSON
 * otherwise). Read-only mode refuses the service's order writes with 503 and {@code Retry-After}.
 */
public final class AdminRoutes {

    /** System property naming the admin token file; without it there is no admin API. */
    public static final String TOKEN_FILE_PROPERTY = "sinew.admin.token-file";

    /** Per service, the path prefixes of the writes read-only mode refuses (POST only). */
    private static final Map<String, List<String>> ORDER_WRITES = Map.of(
            "gateway", List.of("/api/orders"),
            "order", List.of("/orders"));

    private final String service;
    private final AdminToken token;
    private final AtomicReference<AdminActions> actions = new AtomicReference<>();

    private AdminRoutes(String service, AdminToken token) {
        this.service = service;
        this.token = token;
    }

    /** The admin API of {@code service} if {@value #TOKEN_FILE_PROPERTY} is set, else null. */
    public static AdminRoutes fromSystemProperty(String service) {
        String file = System.getProperty(TOKEN_FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            return null;
        }
        return new AdminRoutes(service, AdminToken.read(Path.of(file)));
    }

    /** Binds the actions to the service's pipelines once they exist (before that the API answers 503 starting). */
    public void bind(SinewRegistry registry, Properties pipelineProperties) {
        Map<String, String> flat = new LinkedHashMap<>();
        for (String k : pipelineProperties.stringPropertyNames()) {
            flat.put(k, pipelineProperties.getProperty(k));
        }
        actions.set(new AdminActions(service, registry, flat));
    }

    /** Declares the routes and the read-only filter. */
    public void install(RoutesConfig r) {
        r.before(this::readOnlyFilter);
        for (String path : List.of("/admin/state", "/admin/breakers/*", "/admin/switches/*", "/admin/read-only",
                "/admin/pipelines/*")) {
            r.before(path, this::guard); // these routes only: other /admin routes bring their own checks
        }
        r.get("/admin/state", ctx -> Http.json(ctx, 200, Json.MAPPER.valueToTree(actions().state())));
        r.post("/admin/breakers/{pipeline}", ctx -> {
            String state = actions().breaker(ctx.pathParam("pipeline"), body(ctx).path("action").asText(null));
            Http.json(ctx, 200, Json.object().put("pipeline", ctx.pathParam("pipeline")).put("breaker", state));
        });
        r.post("/admin/switches/{pipeline}", ctx -> {
            JsonNode off = body(ctx).path("off");
            if (!off.isBoolean()) {
                throw ApiException.badRequest("off: required, true or false");
            }
            actions().switchOff(ctx.pathParam("pipeline"), off.asBoolean());
            Http.json(ctx, 200, Json.object().put("pipeline", ctx.pathParam("pipeline")).put("switchedOff", off.asBoolean()));
        });
        r.post("/admin/read-only", ctx -> {
            JsonNode b = body(ctx);
            if (!b.path("on").isBoolean()) {
                throw ApiException.badRequest("on: required, true or false");
            }
            actions().readOnly().set(b.path("on").asBoolean(), b.path("retryAfterSeconds").asInt(5));
            Http.json(ctx, 200, Json.MAPPER.valueToTree(actions().readOnly().state()));
        });
        r.post("/admin/pipelines/{pipeline}/settings", ctx -> {
            JsonNode s = body(ctx).path("settings");
            if (!s.isObject()) {
                throw ApiException.badRequest("settings: expected an object such as {\"retry.max-attempts\": \"2\"}");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            s.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            Map<String, String> now = actions().configure(ctx.pathParam("pipeline"), settings);
            Http.json(ctx, 200, Json.MAPPER.valueToTree(Map.of("pipeline", ctx.pathParam("pipeline"), "settings", now)));
        });
        r.exception(AdminException.class, (e, ctx) -> Http.error(ctx, e.status(), e.code(), e.getMessage()));
    }

    /** Refuses a request that is not from loopback (403) or lacks the admin token (401); for other admin routes too. */
    public void guard(Context ctx) {
        if (!loopback(ctx.ip())) {
            throw new ApiException(403, "forbidden", "the admin API answers loopback clients only");
        }
        if (!token.matches(AdminToken.bearer(ctx.header("Authorization")))) {
            throw ApiException.unauthorized("the admin API needs Authorization: Bearer <admin token>");
        }
    }

    private void readOnlyFilter(Context ctx) {
        AdminActions a = actions.get();
        if (a == null || !a.readOnly().refuses() || !"POST".equals(ctx.method().name())) {
            return;
        }
        for (String prefix : ORDER_WRITES.getOrDefault(service, List.of())) {
            if (ctx.path().startsWith(prefix)) {
                throw ApiException.unavailable("read_only", "orders are read-only for now (an operator turned on "
                        + "read-only mode during an incident); reading orders works; try again later",
                        a.readOnly().state().retryAfterSeconds());
            }
        }
    }

    private AdminActions actions() {
        AdminActions a = actions.get();
        if (a == null) {
            throw ApiException.unavailable("starting", service + " is starting", 1);
        }
        return a;
    }

    private static JsonNode body(Context ctx) {
        String raw = ctx.body();
        return raw.isBlank() ? Json.object() : Json.parseBody(raw);
    }

    private static boolean loopback(String ip) {
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
