package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.Database;
import dev.sinew.shop.runtime.Http;
import dev.sinew.shop.runtime.Json;
import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ShopModule;
import io.javalin.config.RoutesConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Charges: {@code POST /charges {"orderId","amountCents","user"}} is idempotent by order id (a unique
 * constraint): the first call charges (201), every repeat returns the existing charge (200,
 * {@code "repeat": true}). Amounts above {@link #CARD_LIMIT_CENTS} are DECLINED. Calls nobody.
 */
public final class PaymentService implements ShopModule {

    /** Charges above this amount are declined (so the shop has a PAYMENT_FAILED path). */
    public static final long CARD_LIMIT_CENTS = 500_000;

    private Database db;

    @Override
    public void start(ServiceContext ctx) throws SQLException {
        db = ctx.db();
        db.ddl("CREATE TABLE IF NOT EXISTS charges (charge_id VARCHAR(64) PRIMARY KEY, order_id VARCHAR(64) NOT NULL, "
                + "user_name VARCHAR(64) NOT NULL, amount_cents BIGINT NOT NULL, status VARCHAR(16) NOT NULL, "
                + "created_ms BIGINT NOT NULL, CONSTRAINT charges_order_unique UNIQUE (order_id))");
    }

    @Override
    public void routes(RoutesConfig r) {
        r.post("/charges", ctx -> {
            JsonNode body = Json.parseBody(ctx.body());
            String orderId = Json.text(body, "orderId", 64);
            String user = Json.text(body, "user", 64);
            JsonNode amount = body.get("amountCents");
            if (amount == null || !amount.canConvertToLong() || !amount.isIntegralNumber()
                    || amount.asLong() <= 0 || amount.asLong() > 100_000_000_00L) {
                throw ApiException.badRequest("field 'amountCents' must be a positive integer (at most 10000000000)");
            }
            String status = amount.asLong() > CARD_LIMIT_CENTS ? "DECLINED" : "CHARGED";
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO charges (charge_id, order_id, user_name, amount_cents, "
                         + "status, created_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, UUID.randomUUID().toString());
                ps.setString(2, orderId);
                ps.setString(3, user);
                ps.setLong(4, amount.asLong());
                ps.setString(5, status);
                ps.setLong(6, System.currentTimeMillis());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!Database.isDuplicate(e)) {
                    throw e;
                }
                ObjectNode existing = find(orderId);
                existing.put("repeat", true);
                Http.json(ctx, 200, existing);
                return;
            }
            Http.json(ctx, 201, find(orderId).put("repeat", false));
        });
        r.get("/charges/{orderId}", ctx -> {
            ObjectNode c = find(ctx.pathParam("orderId"));
            if (c == null) {
                throw ApiException.notFound("no charge for order '" + ctx.pathParam("orderId") + "'");
            }
            Http.json(ctx, 200, c);
        });
    }

    private ObjectNode find(String orderId) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM charges WHERE order_id = ?")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return Json.object().put("chargeId", rs.getString("charge_id")).put("orderId", rs.getString("order_id"))
                        .put("user", rs.getString("user_name")).put("amountCents", rs.getLong("amount_cents"))
                        .put("status", rs.getString("status")).put("createdMs", rs.getLong("created_ms"));
            }
        }
    }
}
