package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.runtime.PeerClient;
import dev.sinew.shop.runtime.PeerResponse;
import dev.sinew.shop.runtime.ResponseContract;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last known catalog of a service that needs product data (order: prices and ids;
 * recommendation: what to recommend). Refreshed in the background through the "catalog" pipeline, so
 * requests do not wait for catalog and keep working on the last known copy while it is down.
 */
final class CatalogCache {

    private static final Logger log = LoggerFactory.getLogger(CatalogCache.class);

    /** One fetched copy of the catalog. */
    record Snapshot(Map<String, JsonNode> byId, long fetchedMs) {
    }

    /** What a catalog answer must hold: products, each with an id. */
    static final ResponseContract PRODUCTS = ResponseContract.arrayOf("products", "id");

    private final PeerClient catalog;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile boolean failing;

    CatalogCache(PeerClient catalog) {
        this.catalog = catalog;
    }

    void refreshEvery(ScheduledExecutorService scheduler, long millis) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (Exception e) {
                // logged in refresh
            }
        }, 0, millis, TimeUnit.MILLISECONDS);
    }

    /** The current copy, fetching it now if there is none yet; null when catalog was never reachable. */
    Snapshot get() {
        Snapshot s = snapshot;
        if (s != null) {
            return s;
        }
        try {
            return refresh();
        } catch (Exception e) {
            return null;
        }
    }

    Snapshot current() {
        return snapshot;
    }

    Snapshot refresh() throws Exception {
        refreshing.lock();
        try {
            PeerResponse r = catalog.get("products", PRODUCTS);
            if (!r.ok()) {
                throw new IOException("catalog answered " + r.status());
            }
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (JsonNode p : r.json().path("products")) {
                byId.put(p.path("id").asText(), p);
            }
            Snapshot s = new Snapshot(java.util.Collections.unmodifiableMap(byId), System.currentTimeMillis());
            snapshot = s;
            if (failing) {
                log.info("catalog reachable again; {} products", byId.size());
                failing = false;
            }
            return s;
        } catch (Exception e) {
            if (!failing) {
                log.warn("catalog refresh failed, serving the last known catalog: {}", e.toString());
                failing = true;
            }
            throw e;
        } finally {
            refreshing.unlock();
        }
    }
}
