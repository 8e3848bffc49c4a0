package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.Http;
import dev.sinew.shop.runtime.Json;
import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ShopModule;
import io.javalin.config.RoutesConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Per-user recommendations: {@code GET /recommendations?user=}, {@code GET /popular}. Works on a copy
 * of the catalog refreshed every 5 s through the "catalog" pipeline (so a catalog outage does not stop
 * it). Its database holds only an (unused) request-count table.
 */
public final class RecommendationService implements ShopModule {

    /** How many products one answer holds. */
    public static final int COUNT = 4;

    private CatalogCache catalog;
    private ScheduledExecutorService scheduler;

    @Override
    public void start(ServiceContext ctx) throws Exception {
        ctx.db().ddl("CREATE TABLE IF NOT EXISTS recommendation_requests (user_name VARCHAR(64) PRIMARY KEY, "
                + "requests BIGINT NOT NULL)");
        catalog = new CatalogCache(ctx.peer("catalog"));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-refresh");
            t.setDaemon(true);
            return t;
        });
        catalog.refreshEvery(scheduler, 5_000);
    }

    @Override
    public void routes(RoutesConfig r) {
        r.get("/recommendations", ctx -> {
            String user = ctx.queryParam("user");
            if (user == null || user.isBlank() || user.length() > 64) {
                throw ApiException.badRequest("query parameter 'user' is required (1 to 64 characters)");
            }
            List<JsonNode> products = products();
            int seed = user.hashCode();
            products.sort(Comparator.comparingInt((JsonNode p) -> -(p.path("popularity").asInt()
                    + Math.floorMod(seed ^ p.path("id").asText().hashCode() * 31, 60))));
            ObjectNode body = Json.object().put("user", user).put("source", "personal");
            body.set("products", top(products));
            Http.json(ctx, 200, body);
        });
        r.get("/popular", ctx -> {
            ObjectNode body = Json.object().put("source", "popular");
            body.set("products", top(popular(products())));
            Http.json(ctx, 200, body);
        });
    }

    private List<JsonNode> products() {
        CatalogCache.Snapshot s = catalog.get();
        if (s == null) {
            throw ApiException.unavailable("catalog_unavailable", "no catalog known yet; the catalog service is unreachable", 5);
        }
        return new ArrayList<>(s.byId().values());
    }

    static List<JsonNode> popular(List<JsonNode> products) {
        List<JsonNode> sorted = new ArrayList<>(products);
        sorted.sort(Comparator.comparingInt((JsonNode p) -> -p.path("popularity").asInt()));
        return sorted;
    }

    static ArrayNode top(List<JsonNode> products) {
        ArrayNode a = Json.array();
        for (int i = 0; i < Math.min(COUNT, products.size()); i++) {
            a.add(products.get(i));
        }
        return a;
    }

    @Override
    public boolean ready(ObjectNode status) {
        status.put("catalog", catalog.current() == null ? "MISSING" : "CACHED");
        return true;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
