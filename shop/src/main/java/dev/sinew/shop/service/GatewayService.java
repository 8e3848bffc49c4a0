package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.Database;
import dev.sinew.shop.runtime.Http;
import dev.sinew.shop.runtime.Json;
import dev.sinew.shop.runtime.PeerClient;
import dev.sinew.shop.runtime.PeerResponse;
import dev.sinew.shop.runtime.ResponseContract;
import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ShopModule;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public JSON API and the storefront page. Every call to another service goes through that
 * service's pipeline ({@code pipelines/gateway.properties}) and degrades instead of failing:
 * catalog down → the last known catalog marked {@code stale:catalog}; recommendation slow/down →
 * popular products marked {@code fallback:popular}; auth down → sessions keep working (tokens are
 * verified here with auth's cached public key), new logins 503 + Retry-After; order down → 503 +
 * Retry-After at once.
 */
public final class GatewayService implements ShopModule {

    private static final Logger log = LoggerFactory.getLogger(GatewayService.class);
    private static final Pattern PRODUCT_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int RETRY_AFTER_SECONDS = 5;

    private Database db;
    private PeerClient auth;
    private PeerClient catalog;
    private PeerClient recommendation;
    private PeerClient order;
    private TokenVerifier tokens;
    private ScheduledExecutorService scheduler;
    private byte[] storefront;

    /** The last catalog answer: products in catalog order, and when it was fetched. */
    private record Known(ArrayNode products, Map<String, JsonNode> byId, long fetchedMs, String raw) {
    }

    private volatile Known known;

    @Override
    public void start(ServiceContext ctx) throws Exception {
        db = ctx.db();
        db.ddl("CREATE TABLE IF NOT EXISTS catalog_snapshot (id INT PRIMARY KEY, body VARCHAR(1000000) NOT NULL, "
                + "fetched_ms BIGINT NOT NULL)");
        auth = ctx.peer("auth");
        catalog = ctx.peer("catalog");
        recommendation = ctx.peer("recommendation");
        order = ctx.peer("order");
        tokens = new TokenVerifier(auth, ctx.options().dataDir());
        tokens.prefetch();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT body, fetched_ms FROM catalog_snapshot WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                known = parse(rs.getString(1), rs.getLong(2));
            }
        }
        try (InputStream in = GatewayService.class.getResourceAsStream("/storefront/index.html")) {
            storefront = in == null ? "<h1>storefront missing</h1>".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-warm");
            t.setDaemon(true);
            return t;
        });
        // keep the stale copy warm even when nobody browses
        // (every second until a first copy is known, then every 10 s)
        scheduler.scheduleWithFixedDelay(() -> {
            Known k = known;
            if (k != null && System.currentTimeMillis() - k.fetchedMs() < 10_000) {
                return;
            }
            try {
                fetchCatalog();
            } catch (Exception e) {
                // served stale meanwhile
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    private static Known parse(String raw, long fetchedMs) {
        JsonNode body = Json.parse(raw);
        ArrayNode products = body.path("products").isArray() ? (ArrayNode) body.path("products") : Json.array();
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode p : products) {
            byId.put(p.path("id").asText(), p);
        }
        return new Known(products, byId, fetchedMs, raw);
    }

    private Known fetchCatalog() throws Exception {
        PeerResponse r = catalog.get("products", CatalogCache.PRODUCTS);
        if (!r.ok()) {
            throw new ApiException(502, "bad_gateway", "catalog answered " + r.status());
        }
        Known previous = known;
        Known k = parse(r.body(), System.currentTimeMillis());
        known = k;
        if (previous == null || !previous.raw().equals(k.raw())) {
            persist(k);
        }
        return k;
    }

    private void persist(Known k) {
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE catalog_snapshot SET body = ?, fetched_ms = ? WHERE id = 1")) {
                ps.setString(1, k.raw());
                ps.setLong(2, k.fetchedMs());
                if (ps.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO catalog_snapshot (id, body, fetched_ms) VALUES (1, ?, ?)")) {
                ps.setString(1, k.raw());
                ps.setLong(2, k.fetchedMs());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            if (!Database.isDuplicate(e)) {
                log.warn("could not store the catalog snapshot: {}", e.toString());
            }
        }
    }

    private Known staleOr503(Exception cause) {
        Known k = known;
        if (k == null) {
            throw ApiException.unavailable("catalog_unavailable",
                    "the catalog is unavailable and no earlier copy is known: " + cause.getMessage(), RETRY_AFTER_SECONDS);
        }
        return k;
    }

    @Override
    public void routes(RoutesConfig r) {
        r.get("/", ctx -> {
            ctx.contentType("text/html; charset=utf-8");
            ctx.result(storefront);
            ctx.attribute("sinew.json-written", Boolean.TRUE);
        });
        r.get("/api/products", ctx -> {
            Known k;
            try {
                k = fetchCatalog();
            } catch (Exception e) {
                k = staleOr503(e);
                ObjectNode body = Json.object().put("fetchedMs", k.fetchedMs());
                body.set("products", k.products());
                Http.degraded(ctx, 200, body, "stale:catalog");
                return;
            }
            ObjectNode body = Json.object().put("fetchedMs", k.fetchedMs());
            body.set("products", k.products());
            Http.json(ctx, 200, body);
        });
        r.get("/api/products/{id}", ctx -> {
            String id = ctx.pathParam("id");
            if (!PRODUCT_ID.matcher(id).matches()) {
                throw ApiException.notFound("no product with id '" + abbreviate(id) + "'");
            }
            PeerResponse pr;
            try {
                pr = catalog.get("products/" + id, ResponseContract.requires("id"));
            } catch (Exception e) {
                Known k = staleOr503(e);
                JsonNode p = k.byId().get(id);
                if (p == null) {
                    throw ApiException.notFound("no product with id '" + id + "' in the last known catalog");
                }
                Http.degraded(ctx, 200, p.deepCopy(), "stale:catalog");
                return;
            }
            Http.relay(ctx, pr);
        });
        r.get("/api/recommendations", ctx -> {
            String user = ctx.queryParam("user");
            if (user == null || user.isBlank() || user.length() > 64) {
                throw ApiException.badRequest("query parameter 'user' is required (1 to 64 characters)");
            }
            try {
                PeerResponse pr = recommendation.get("recommendations?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8),
                        CatalogCache.PRODUCTS);
                if (pr.ok()) {
                    Http.relay(ctx, pr);
                    return;
                }
                if (pr.status() >= 400 && pr.status() < 500) {
                    Http.relay(ctx, pr);
                    return;
                }
            } catch (Exception e) {
                // fall through to the fallback
            }
            Known k = known;
            if (k == null) {
                throw ApiException.unavailable("recommendations_unavailable",
                        "recommendations and the catalog are unavailable", RETRY_AFTER_SECONDS);
            }
            List<JsonNode> all = new ArrayList<>(k.byId().values());
            ObjectNode body = Json.object().put("user", user).put("source", "popular");
            body.set("products", RecommendationService.top(RecommendationService.popular(all)));
            Http.degraded(ctx, 200, body, "fallback:popular");
        });
        r.post("/api/login", ctx -> {
            JsonNode body = Json.parseBody(ctx.body());
            Json.text(body, "user", 64);
            Json.text(body, "password", 256);
            PeerResponse pr;
            try {
                pr = auth.send("POST", "login", Json.write(body), Map.of(), ResponseContract.requires("token"));
            } catch (Exception e) {
                throw ApiException.unavailable("auth_unavailable", "logging in is not possible right now because the "
                        + "auth service is unavailable; existing sessions keep working. Try again in "
                        + RETRY_AFTER_SECONDS + " s.", RETRY_AFTER_SECONDS);
            }
            Http.relay(ctx, pr);
        });
        r.post("/api/orders", ctx -> {
            String authorization = ctx.header("Authorization");
            tokens.user(authorization); // 401 here: a forged token never reaches order
            JsonNode body = Json.parseBody(ctx.body());
            String key = ctx.header("Idempotency-Key");
            if (key == null || key.isBlank()) {
                key = "gw-" + UUID.randomUUID(); // makes the gateway's own retries safe
            }
            forward(ctx, "POST", "orders", Json.write(body), authorization, key);
        });
        r.get("/api/orders/{id}", ctx -> {
            String authorization = ctx.header("Authorization");
            tokens.user(authorization);
            forward(ctx, "GET", "orders/" + orderId(ctx), null, authorization, null);
        });
        r.post("/api/orders/{id}/pay", ctx -> {
            String authorization = ctx.header("Authorization");
            tokens.user(authorization);
            forward(ctx, "POST", "orders/" + orderId(ctx) + "/pay", null, authorization, null);
        });
    }

    private static String orderId(Context ctx) {
        String id = ctx.pathParam("id");
        if (!ORDER_ID.matcher(id).matches()) {
            throw ApiException.notFound("no order with id '" + abbreviate(id) + "'");
        }
        return id;
    }

    private void forward(Context ctx, String method, String path, String json, String authorization, String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        if (key != null) {
            headers.put("Idempotency-Key", key);
        }
        PeerResponse pr;
        try {
            pr = order.send(method, path, json, headers, ResponseContract.JSON_OBJECT);
        } catch (Exception e) {
            throw ApiException.unavailable("order_unavailable", "orders cannot be taken right now (the order service is "
                    + "unavailable); browsing still works. Try again in " + RETRY_AFTER_SECONDS + " s.", RETRY_AFTER_SECONDS);
        }
        JsonNode body = pr.json();
        if (body.hasNonNull("degraded")) {
            ctx.header(Http.DEGRADED_HEADER, body.get("degraded").asText());
        }
        Http.relay(ctx, pr);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override
    public boolean ready(ObjectNode status) {
        status.put("authKey", tokens.hasKey() ? "CACHED" : "MISSING");
        status.put("catalog", known == null ? "MISSING" : "CACHED");
        return true;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
