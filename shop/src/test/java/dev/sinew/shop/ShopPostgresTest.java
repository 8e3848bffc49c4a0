package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sinew.shop.Api.Reply;
import dev.sinew.shop.audit.Audit;
import dev.sinew.shop.audit.AuditReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services that own data (order, payment, inventory) on the real PostgreSQL server of this machine
 * (127.0.0.1:5432) instead of their H2 files, by configuration alone: orders are accepted, charged,
 * reserved through Kafka, and the audit passes on the PostgreSQL databases.
 */
class ShopPostgresTest {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @TempDir
    Path dir;

    @Test
    void orderPaymentAndInventoryRunOnPostgresql() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> urls = new LinkedHashMap<>();
        for (String service : List.of("order", "payment", "inventory")) {
            String db = "shop_" + service + "_" + suffix;
            admin("CREATE DATABASE " + db);
            urls.put(service, SERVER + db);
        }
        try (ShopCluster shop = new ShopCluster(dir, true, urls)) {
            String gw = shop.gateway();
            String token = ShopApiTest.login0(gw, "alice", "alice");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Reply r = Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-00" + (1 + i % 3) + "\",\"quantity\":1}]}",
                        "Authorization", "Bearer " + token, "Idempotency-Key", "pg-" + i);
                assertThat(r.status()).as(r.body()).isIn(200, 201);
                ids.add(r.json().path("orderId").asText());
            }
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Reply o = Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + token);
                    assertThat(o.json().path("status").asText()).as(o.body()).isEqualTo("PAID");
                    assertThat(o.json().path("inventoryStatus").asText()).as(o.body()).isEqualTo("RESERVED");
                });
            }
            try (Connection c = DriverManager.getConnection(urls.get("inventory"), "postgres", "");
                 Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT COUNT(*) FROM reservations WHERE status = 'RESERVED'");
                rs.next();
                assertThat(rs.getLong(1)).as("reservations in PostgreSQL").isEqualTo(10);
            }
            AuditReport report = Audit.ofUrls(urls.get("order"), urls.get("payment"), urls.get("inventory"), "postgres", "",
                    Duration.ofSeconds(5)).run();
            assertThat(report.passed()).as(report.format()).isTrue();
            assertThat(report.counts()).containsEntry("orders", 10L).containsEntry("charges CHARGED", 10L);
        } finally {
            for (String url : urls.values()) {
                admin("DROP DATABASE IF EXISTS " + url.substring(SERVER.length()) + " WITH (FORCE)");
            }
        }
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
