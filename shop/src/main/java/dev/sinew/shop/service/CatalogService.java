package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
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

/**
 * The product catalog: {@code GET /products}, {@code GET /products/{id}}. Calls nobody. The stock
 * shown here is the seeded stock level (informational); inventory owns the real count.
 */
public final class CatalogService implements ShopModule {

    private Database db;

    @Override
    public void start(ServiceContext ctx) throws SQLException {
        db = ctx.db();
        db.ddl("CREATE TABLE IF NOT EXISTS products (id VARCHAR(32) PRIMARY KEY, name VARCHAR(200) NOT NULL, "
                + "category VARCHAR(64) NOT NULL, price_cents BIGINT NOT NULL, stock INT NOT NULL, popularity INT NOT NULL)");
        try (Connection c = db.connection()) {
            for (Seed.Product p : Seed.PRODUCTS) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO products (id, name, category, price_cents, stock, popularity) "
                        + "SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM products WHERE id = ?)")) {
                    ps.setString(1, p.id());
                    ps.setString(2, p.name());
                    ps.setString(3, p.category());
                    ps.setLong(4, p.priceCents());
                    ps.setInt(5, p.stock());
                    ps.setInt(6, p.popularity());
                    ps.setString(7, p.id());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!Database.isDuplicate(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void routes(RoutesConfig r) {
        r.get("/products", ctx -> {
            ArrayNode list = Json.array();
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT * FROM products ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(row(rs));
                }
            }
            ObjectNode body = Json.object();
            body.set("products", list);
            Http.json(ctx, 200, body);
        });
        r.get("/products/{id}", ctx -> {
            String id = ctx.pathParam("id");
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT * FROM products WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no product with id '" + id + "'");
                    }
                    Http.json(ctx, 200, row(rs));
                }
            }
        });
    }

    private static ObjectNode row(ResultSet rs) throws SQLException {
        return Json.object()
                .put("id", rs.getString("id"))
                .put("name", rs.getString("name"))
                .put("category", rs.getString("category"))
                .put("priceCents", rs.getLong("price_cents"))
                .put("stock", rs.getInt("stock"))
                .put("popularity", rs.getInt("popularity"));
    }
}
