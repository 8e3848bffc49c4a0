package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.outbox.IncomingMessage;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders. {@code POST /orders} (Bearer token, optional {@code Idempotency-Key}): validates the lines
 * against the (cached) catalog, then in ONE transaction inserts the order (PAYMENT_PENDING, inventory
 * PENDING) and an OrderPlaced message into the outbox; a relay sends it to Kafka. Then it tries the
 * charge once through the "payment" pipeline: PAID, PAYMENT_FAILED (declined), or still
 * PAYMENT_PENDING (payment down or slow) — a background retrier charges pending orders later; payment
 * deduplicates by order id, so a charge is never doubled. Inventory's StockReserved / OutOfStock come
 * back through Kafka into an inbox and set {@code inventory_status} (RESERVED / OUT_OF_STOCK).
 *
 * <p>With {@code --naive} (the game day's comparison mode) order reserves stock as a naive design
 * would: by a synchronous {@code POST /reservations} to inventory inside placement, before the order
 * is stored, and refuses the order (503 {@code inventory_unavailable}) when inventory does not answer.
 */
public final class OrderService implements ShopModule {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    /** Largest quantity of one line. */
    public static final int MAX_QUANTITY = 100;
    /** Most lines in one order. */
    public static final int MAX_LINES = 50;

    private Database db;
    private PeerClient payment;
    /** Only with --naive: the synchronous reservation call; null when orders reach inventory through Kafka. */
    private PeerClient inventory;
    private TokenVerifier tokens;
    private CatalogCache catalog;
    private Messaging messaging;
    private ScheduledExecutorService scheduler;
    private volatile boolean paymentFailing;

    @Override
    public void start(ServiceContext ctx) throws Exception {
        db = ctx.db();
        db.ddl("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY, user_name VARCHAR(64) NOT NULL, "
                + "idempotency_key VARCHAR(128) NOT NULL, request_hash VARCHAR(64) NOT NULL, items VARCHAR(8000) NOT NULL, "
                + "total_cents BIGINT NOT NULL, status VARCHAR(24) NOT NULL, inventory_status VARCHAR(24) NOT NULL, "
                + "payment_attempts INT NOT NULL, created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, "
                + "CONSTRAINT orders_idempotency UNIQUE (user_name, idempotency_key))",
                "CREATE INDEX IF NOT EXISTS orders_status ON orders (status, updated_ms)",
                // the oldest order awaiting inventory (InventoryWait) without a scan
                "CREATE INDEX IF NOT EXISTS orders_inventory_wait ON orders (inventory_status, created_ms)",
                // placement repair bookkeeping (added after the first release: migrate older databases in place)
                "ALTER TABLE orders ADD COLUMN IF NOT EXISTS placed_republished INT DEFAULT 0 NOT NULL",
                "ALTER TABLE orders ADD COLUMN IF NOT EXISTS placed_republished_ms BIGINT");
        payment = ctx.peer("payment");
        if (ctx.options().naive()) {
            inventory = ctx.peer("inventory");
        }
        tokens = new TokenVerifier(ctx.peer("auth"), ctx.options().dataDir());
        tokens.prefetch();
        catalog = new CatalogCache(ctx.peer("catalog"));
        messaging = new Messaging(ctx, Messaging.INVENTORY_TOPIC, this::inventoryOutcome);
        scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "order-background");
            t.setDaemon(true);
            return t;
        });
        catalog.refreshEvery(scheduler, 5_000);
        scheduler.scheduleWithFixedDelay(this::retryPendingPayments, 1_000, 1_000, TimeUnit.MILLISECONDS);
        new Reconciliation(db.dataSource(), Reconciliation.configuredAfter(), System::currentTimeMillis, ctx.meters())
                .refreshEvery(scheduler, 5_000);
        // with --chaos every second, so the game day sees an inventory outage within its fault window
        new InventoryWait(db.dataSource(), System::currentTimeMillis, ctx.meters())
                .refreshEvery(scheduler, ctx.options().chaos() ? 1_000 : 5_000);
        new PlacementRepair(db.dataSource(), messaging, PlacementRepair.configuredAfter(), System::currentTimeMillis,
                ctx.meters()).runEvery(scheduler, 5_000);
    }

    /** The OrderPlaced message inventory reserves stock for (also published again by {@link PlacementRepair}). */
    static ObjectNode orderPlaced(String orderId, String user, long totalCents, JsonNode items) {
        ObjectNode placed = Json.object().put("type", "OrderPlaced").put("orderId", orderId).put("user", user)
                .put("totalCents", totalCents);
        placed.set("items", items);
        return placed;
    }

    private void inventoryOutcome(Connection tx, IncomingMessage m) throws SQLException {
        JsonNode msg = Json.parse(new String(m.payload(), StandardCharsets.UTF_8));
        String type = msg.path("type").asText();
        String outcome = switch (type) {
            case "StockReserved" -> "RESERVED";
            case "OutOfStock" -> "OUT_OF_STOCK";
            default -> null;
        };
        if (outcome == null) {
            log.warn("ignoring inventory message {} of type {}", m.messageId(), type);
            return;
        }
        try (PreparedStatement ps = tx.prepareStatement(
                "UPDATE orders SET inventory_status = ?, updated_ms = ? WHERE id = ? AND inventory_status = 'PENDING'")) {
            ps.setString(1, outcome);
            ps.setLong(2, System.currentTimeMillis());
            ps.setString(3, msg.path("orderId").asText());
            if (ps.executeUpdate() == 1) {
                log.info("order {} inventory {}", msg.path("orderId").asText(), outcome);
            }
        }
    }

    @Override
    public void routes(RoutesConfig r) {
        r.post("/orders", this::placeOrder);
        r.get("/orders/{id}", ctx -> {
            String user = tokens.user(ctx.header("Authorization"));
            respond(ctx, 200, ownOrder(ctx.pathParam("id"), user));
        });
        r.post("/orders/{id}/pay", ctx -> {
            String user = tokens.user(ctx.header("Authorization"));
            ObjectNode order = ownOrder(ctx.pathParam("id"), user);
            if ("PAYMENT_PENDING".equals(order.path("status").asText())) {
                charge(order.path("orderId").asText(), user, order.path("totalCents").asLong());
                order = ownOrder(ctx.pathParam("id"), user);
            }
            respond(ctx, 200, order);
        });
    }

    private ObjectNode ownOrder(String id, String user) throws SQLException {
        ObjectNode order = find("SELECT * FROM orders WHERE id = ?", id);
        if (order == null || !user.equals(order.path("user").asText())) {
            throw ApiException.notFound("no order with id '" + id + "'");
        }
        return order;
    }

    private void placeOrder(Context ctx) throws Exception {
        String user = tokens.user(ctx.header("Authorization"));
        String key = ctx.header("Idempotency-Key");
        if (key == null || key.isBlank()) {
            key = UUID.randomUUID().toString();
        } else if (key.length() > 128) {
            throw ApiException.badRequest("Idempotency-Key is longer than 128 characters");
        }
        JsonNode body = Json.parseBody(ctx.body());
        ArrayNode items = validateItems(body.get("items"));
        String hash = sha256(Json.write(items));

        ObjectNode existing = find("SELECT * FROM orders WHERE user_name = ? AND idempotency_key = ?", user, key);
        if (existing != null) {
            repeat(ctx, existing, hash);
            return;
        }
        CatalogCache.Snapshot products = catalog.get();
        if (products == null) {
            throw ApiException.unavailable("catalog_unavailable",
                    "cannot check products: the catalog has not been reachable since order started", 5);
        }
        long total = 0;
        for (JsonNode item : items) {
            JsonNode p = products.byId().get(item.get("productId").asText());
            if (p == null) {
                throw new ApiException(400, "unknown_product", "unknown product '" + item.get("productId").asText() + "'");
            }
            long price = p.path("priceCents").asLong();
            ((ObjectNode) item).put("priceCents", price);
            total += price * item.get("quantity").asInt();
        }

        String orderId = "o-" + UUID.randomUUID();
        String inventoryStatus = inventory == null ? "PENDING" : reserveNow(orderId, items);
        long now = System.currentTimeMillis();
        ObjectNode placed = orderPlaced(orderId, user, total, items);
        try (Connection tx = db.connection()) {
            tx.setAutoCommit(false);
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO orders (id, user_name, idempotency_key, request_hash, "
                    + "items, total_cents, status, inventory_status, payment_attempts, created_ms, updated_ms) "
                    + "VALUES (?, ?, ?, ?, ?, ?, 'PAYMENT_PENDING', ?, 0, ?, ?)")) {
                ps.setString(1, orderId);
                ps.setString(2, user);
                ps.setString(3, key);
                ps.setString(4, hash);
                ps.setString(5, Json.write(items));
                ps.setLong(6, total);
                ps.setString(7, inventoryStatus);
                ps.setLong(8, now);
                ps.setLong(9, now);
                ps.executeUpdate();
                if (inventory == null) {
                    messaging.publish(tx, Messaging.ORDERS_TOPIC, orderId,
                            Json.write(placed).getBytes(StandardCharsets.UTF_8));
                }
                tx.commit();
            } catch (SQLException e) {
                tx.rollback();
                if (Database.isDuplicate(e)) { // the same key raced us: answer with the winner
                    ObjectNode winner = find("SELECT * FROM orders WHERE user_name = ? AND idempotency_key = ?", user, key);
                    if (winner != null) {
                        repeat(ctx, winner, hash);
                        return;
                    }
                }
                throw e;
            } finally {
                tx.setAutoCommit(true);
            }
        }
        log.info("order {} placed by {} ({} lines, {} cents)", orderId, user, items.size(), total);
        charge(orderId, user, total);
        ObjectNode order = find("SELECT * FROM orders WHERE id = ?", orderId);
        order.put("repeat", false);
        respond(ctx, 201, order);
    }

    /**
     * The naive design: reserves stock by a synchronous call to inventory before the order exists;
     * returns RESERVED or OUT_OF_STOCK, or refuses the order when inventory does not answer.
     */
    private String reserveNow(String orderId, ArrayNode items) {
        ObjectNode body = Json.object().put("orderId", orderId);
        body.set("items", items);
        try {
            PeerResponse r = inventory.send("POST", "reservations", Json.write(body), Map.of("Idempotency-Key", orderId),
                    ResponseContract.requires("status"));
            if (r.ok()) {
                return r.json().path("status").asText();
            }
            throw new ApiException(502, "inventory_refused", "inventory refused the reservation: " + r.status());
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw ApiException.unavailable("inventory_unavailable", "orders cannot be taken right now (inventory does not"
                    + " answer)", 5);
        }
    }

    private void repeat(Context ctx, ObjectNode existing, String hash) throws SQLException {
        if (!hash.equals(existing.remove("requestHash").asText())) {
            throw new ApiException(422, "idempotency_key_reused",
                    "this Idempotency-Key was already used for a different order (" + existing.path("orderId").asText() + ")");
        }
        existing.put("repeat", true);
        respond(ctx, 200, existing);
    }

    private static void respond(Context ctx, int status, ObjectNode order) {
        order.remove("requestHash");
        if ("PAYMENT_PENDING".equals(order.path("status").asText())) {
            order.put("message", "order accepted; payment is delayed and will be retried automatically");
            Http.degraded(ctx, status, order, "payment-pending");
        } else {
            Http.json(ctx, status, order);
        }
    }

    private static ArrayNode validateItems(JsonNode items) {
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.badRequest("field 'items' must be a non-empty array of {\"productId\",\"quantity\"}");
        }
        if (items.size() > MAX_LINES) {
            throw ApiException.badRequest("at most " + MAX_LINES + " lines per order");
        }
        ArrayNode clean = Json.array();
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw ApiException.badRequest("each item must be an object {\"productId\",\"quantity\"}");
            }
            String productId = Json.text(item, "productId", 32);
            JsonNode q = item.get("quantity");
            if (q == null || !q.isIntegralNumber() || !q.canConvertToInt()) {
                throw new ApiException(400, "invalid_quantity", "quantity of '" + productId + "' must be an integer from 1 to " + MAX_QUANTITY);
            }
            int quantity = q.asInt();
            if (quantity <= 0 || quantity > MAX_QUANTITY) {
                throw new ApiException(400, "invalid_quantity", "quantity of '" + productId + "' is " + quantity
                        + "; expected an integer from 1 to " + MAX_QUANTITY);
            }
            clean.add(Json.object().put("productId", productId).put("quantity", quantity));
        }
        return clean;
    }

    /**
     * One charge attempt through the payment pipeline. Payment is idempotent by order id, so this may
     * run any number of times (request thread, retrier, /pay) without charging twice.
     */
    private void charge(String orderId, String user, long total) {
        String outcome;
        try {
            PeerResponse r = payment.send("POST", "charges", Json.write(Json.object().put("orderId", orderId).put("user", user)
                    .put("amountCents", total)), Map.of("Idempotency-Key", orderId), ResponseContract.requires("status"));
            if (r.ok()) {
                outcome = "CHARGED".equals(r.json().path("status").asText()) ? "PAID" : "PAYMENT_FAILED";
            } else {
                log.warn("payment refused order {}: {} {}", orderId, r.status(), r.body());
                outcome = "PAYMENT_FAILED";
            }
            if (paymentFailing) {
                paymentFailing = false;
                log.info("payment reachable again");
            }
        } catch (Exception e) {
            if (!paymentFailing) {
                paymentFailing = true;
                log.warn("payment unavailable, orders stay PAYMENT_PENDING and are retried: {}", e.toString());
            }
            outcome = null;
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(outcome == null
                     ? "UPDATE orders SET payment_attempts = payment_attempts + 1, updated_ms = ? WHERE id = ? AND status = 'PAYMENT_PENDING'"
                     : "UPDATE orders SET payment_attempts = payment_attempts + 1, updated_ms = ?, status = ? WHERE id = ? AND status = 'PAYMENT_PENDING'")) {
            ps.setLong(1, System.currentTimeMillis());
            if (outcome == null) {
                ps.setString(2, orderId);
            } else {
                ps.setString(2, outcome);
                ps.setString(3, orderId);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            log.warn("could not record the payment outcome of {}: {}", orderId, e.toString());
        }
    }

    /** The background retrier: charges orders left PAYMENT_PENDING, oldest first, a batch per second. */
    private void retryPendingPayments() {
        try {
            List<String[]> pending = new ArrayList<>();
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT id, user_name, total_cents FROM orders "
                         + "WHERE status = 'PAYMENT_PENDING' AND updated_ms < ? ORDER BY updated_ms LIMIT 50")) {
                ps.setLong(1, System.currentTimeMillis() - 1_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pending.add(new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))});
                    }
                }
            }
            for (String[] p : pending) {
                charge(p[0], p[1], Long.parseLong(p[2]));
                if (paymentFailing) {
                    break; // still down: try again next round
                }
            }
        } catch (Exception e) {
            log.warn("payment retrier round failed: {}", e.toString());
        }
    }

    private ObjectNode find(String sql, String... args) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ObjectNode o = Json.object().put("orderId", rs.getString("id")).put("user", rs.getString("user_name"))
                        .put("status", rs.getString("status")).put("inventoryStatus", rs.getString("inventory_status"))
                        .put("totalCents", rs.getLong("total_cents")).put("paymentAttempts", rs.getInt("payment_attempts"))
                        .put("createdMs", rs.getLong("created_ms")).put("updatedMs", rs.getLong("updated_ms"))
                        .put("requestHash", rs.getString("request_hash"));
                o.set("items", Json.parse(rs.getString("items")));
                return o;
            }
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean ready(ObjectNode status) {
        status.put("kafka", messaging.kafkaConfigured() ? (messaging.relay().failing() ? "FAILING" : "UP") : "NOT_CONFIGURED");
        status.put("payment", paymentFailing ? "FAILING" : "UP");
        status.put("authKey", tokens.hasKey() ? "CACHED" : "MISSING");
        status.put("catalog", catalog.current() == null ? "MISSING" : "CACHED");
        return true;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (messaging != null) {
            messaging.close();
        }
    }
}
