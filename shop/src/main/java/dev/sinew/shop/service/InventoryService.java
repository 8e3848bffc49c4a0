package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.outbox.IncomingMessage;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.Database;
import dev.sinew.shop.runtime.Http;
import dev.sinew.shop.runtime.Json;
import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ShopModule;
import io.javalin.config.RoutesConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stock. Consumes OrderPlaced (Kafka → {@code KafkaInboxConsumer} → idempotent {@code Inbox}) and, in
 * the inbox's transaction, reserves every line (RESERVED) or none (OUT_OF_STOCK), records the outcome
 * in {@code reservations} (one row per order) and publishes StockReserved / OutOfStock through its own
 * outbox for the order service. HTTP: {@code GET /stock}, {@code GET /stock/{id}},
 * {@code GET /reservations/{orderId}}, and {@code POST /reservations} — the same decision taken
 * synchronously, idempotent by order id, used only by a naive order service ({@code --naive}, the game
 * day's comparison mode) that reserves inside placement instead of handing the order to Kafka.
 * Calls no service over HTTP.
 */
public final class InventoryService implements ShopModule {

    private static final Logger log = LoggerFactory.getLogger(InventoryService.class);

    private Database db;
    private Messaging messaging;

    @Override
    public void start(ServiceContext ctx) throws SQLException {
        db = ctx.db();
        db.ddl("CREATE TABLE IF NOT EXISTS stock (product_id VARCHAR(32) PRIMARY KEY, available INT NOT NULL, "
                        + "reserved INT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS reservations (order_id VARCHAR(64) PRIMARY KEY, status VARCHAR(16) NOT NULL, "
                        + "items VARCHAR(8000) NOT NULL, reason VARCHAR(500), created_ms BIGINT NOT NULL)");
        try (Connection c = db.connection()) {
            for (Seed.Product p : Seed.PRODUCTS) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO stock (product_id, available, reserved) "
                        + "SELECT ?, ?, 0 WHERE NOT EXISTS (SELECT 1 FROM stock WHERE product_id = ?)")) {
                    ps.setString(1, p.id());
                    ps.setInt(2, p.stock());
                    ps.setString(3, p.id());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!Database.isDuplicate(e)) {
                        throw e;
                    }
                }
            }
        }
        messaging = new Messaging(ctx, Messaging.ORDERS_TOPIC, this::handle);
    }

    /** Handles one OrderPlaced inside the inbox transaction. */
    void handle(Connection tx, IncomingMessage m) throws Exception {
        JsonNode msg = Json.parse(new String(m.payload(), StandardCharsets.UTF_8));
        if (!"OrderPlaced".equals(msg.path("type").asText())) {
            log.warn("ignoring message {} of type {}", m.messageId(), msg.path("type").asText());
            return;
        }
        String orderId = msg.path("orderId").asText();
        Decision d = decide(tx, orderId, msg.path("items"));
        // a repeat is the order service's placement repair asking again because it never got the answer:
        // nothing new is decided, the same answer goes out again (order applies it only to a PENDING order)
        answer(tx, orderId, d.reason());
        log.info("order {} {}{}{}", orderId, d.status(), d.reason() == null ? "" : " (" + d.reason() + ")",
                d.repeat() ? " (answer sent again)" : "");
    }

    /** An order's reservation outcome; {@code repeat} when it had been decided before. */
    record Decision(String status, String reason, boolean repeat) {
    }

    /**
     * In {@code tx}: the order's earlier outcome if there is one, else reserves every line (RESERVED)
     * or none (OUT_OF_STOCK) and records it. One decision per order id, however often it is asked.
     */
    private Decision decide(Connection tx, String orderId, JsonNode items) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT status, reason FROM reservations WHERE order_id = ?")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Decision(rs.getString(1), rs.getString(2), true);
                }
            }
        }
        // merge lines per product and lock rows in product order (no deadlock between two orders)
        Map<String, Integer> wanted = new TreeMap<>();
        for (JsonNode item : items) {
            wanted.merge(item.path("productId").asText(), item.path("quantity").asInt(), Integer::sum);
        }
        String reason = null;
        for (Map.Entry<String, Integer> e : wanted.entrySet()) {
            try (PreparedStatement ps = tx.prepareStatement("SELECT available FROM stock WHERE product_id = ? FOR UPDATE")) {
                ps.setString(1, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        reason = "unknown product " + e.getKey();
                    } else if (rs.getInt(1) < e.getValue()) {
                        reason = e.getKey() + ": wanted " + e.getValue() + ", available " + rs.getInt(1);
                    }
                }
            }
            if (reason != null) {
                break;
            }
        }
        String status = reason == null ? "RESERVED" : "OUT_OF_STOCK";
        if (reason == null) {
            for (Map.Entry<String, Integer> e : wanted.entrySet()) {
                try (PreparedStatement ps = tx.prepareStatement(
                        "UPDATE stock SET available = available - ?, reserved = reserved + ? WHERE product_id = ?")) {
                    ps.setInt(1, e.getValue());
                    ps.setInt(2, e.getValue());
                    ps.setString(3, e.getKey());
                    ps.executeUpdate();
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(
                "INSERT INTO reservations (order_id, status, items, reason, created_ms) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, orderId);
            ps.setString(2, status);
            ps.setString(3, Json.write(items));
            ps.setString(4, reason);
            ps.setLong(5, System.currentTimeMillis());
            ps.executeUpdate();
        }
        return new Decision(status, reason, false);
    }

    /** {@code POST /reservations} {"orderId","items"}: the decision, synchronously (naive order services only). */
    private void reserve(io.javalin.http.Context ctx) throws Exception {
        JsonNode body = Json.parseBody(ctx.body());
        String orderId = Json.text(body, "orderId", 64);
        JsonNode items = body.get("items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.badRequest("field 'items' must be a non-empty array of {\"productId\",\"quantity\"}");
        }
        Decision d;
        try (Connection tx = db.connection()) {
            tx.setAutoCommit(false);
            try {
                d = decide(tx, orderId, items);
                tx.commit();
            } catch (SQLException e) {
                tx.rollback();
                if (!Database.isDuplicate(e)) {
                    throw e;
                }
                // the same order raced us (a retry): its decision is committed by now
                d = decide(tx, orderId, items);
                tx.commit();
            } finally {
                tx.setAutoCommit(true);
            }
        }
        if (!d.repeat()) {
            log.info("order {} {}{} (synchronous)", orderId, d.status(), d.reason() == null ? "" : " (" + d.reason() + ")");
        }
        Http.json(ctx, d.repeat() ? 200 : 201, Json.object().put("orderId", orderId).put("status", d.status())
                .put("reason", d.reason()).put("repeat", d.repeat()));
    }

    /** Publishes StockReserved ({@code reason} null) or OutOfStock through the outbox, in {@code tx}. */
    private void answer(Connection tx, String orderId, String reason) throws SQLException {
        ObjectNode event = Json.object().put("type", reason == null ? "StockReserved" : "OutOfStock")
                .put("orderId", orderId);
        if (reason != null) {
            event.put("reason", reason);
        }
        messaging.publish(tx, Messaging.INVENTORY_TOPIC, orderId,
                Json.write(event).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void routes(RoutesConfig r) {
        r.get("/stock", ctx -> {
            ArrayNode list = Json.array();
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT * FROM stock ORDER BY product_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(Json.object().put("productId", rs.getString("product_id"))
                            .put("available", rs.getInt("available")).put("reserved", rs.getInt("reserved")));
                }
            }
            ObjectNode body = Json.object();
            body.set("stock", list);
            Http.json(ctx, 200, body);
        });
        r.get("/stock/{id}", ctx -> {
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT * FROM stock WHERE product_id = ?")) {
                ps.setString(1, ctx.pathParam("id"));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no product with id '" + ctx.pathParam("id") + "'");
                    }
                    Http.json(ctx, 200, Json.object().put("productId", rs.getString("product_id"))
                            .put("available", rs.getInt("available")).put("reserved", rs.getInt("reserved")));
                }
            }
        });
        r.post("/reservations", this::reserve);
        r.get("/reservations/{orderId}", ctx -> {
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT * FROM reservations WHERE order_id = ?")) {
                ps.setString(1, ctx.pathParam("orderId"));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no reservation for order '" + ctx.pathParam("orderId") + "' (yet)");
                    }
                    ObjectNode body = Json.object().put("orderId", rs.getString("order_id"))
                            .put("status", rs.getString("status")).put("reason", rs.getString("reason"))
                            .put("createdMs", rs.getLong("created_ms"));
                    body.set("items", Json.parse(rs.getString("items")));
                    Http.json(ctx, 200, body);
                }
            }
        });
    }

    @Override
    public boolean ready(ObjectNode status) {
        status.put("kafka", messaging.kafkaConfigured() ? (messaging.consumerFailing() ? "FAILING" : "UP") : "NOT_CONFIGURED");
        return true;
    }

    @Override
    public void close() {
        if (messaging != null) {
            messaging.close();
        }
    }
}
