package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sinew.shop.Api.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order service's placement repair on the real shop: an OrderPlaced that never reaches inventory
 * (here: deleted from Kafka while inventory is down, as an operator or a bug could) is published
 * again after the repair threshold, inventory reserves the stock once, and the repair is counted.
 */
class ShopRepairTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty("sinew.shop.repair.after");
    }

    @Test
    void aLostOrderPlacedIsPublishedAgainAndReservedOnce() throws Exception {
        System.setProperty("sinew.shop.repair.after", "3s");
        try (ShopCluster shop = new ShopCluster(dir, true);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, shop.broker.bootstrapServers()))) {
            String gw = shop.gateway();
            String token = ShopApiTest.login0(gw, "alice", "alice");
            shop.stop("inventory");
            Reply placed = Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-002\",\"quantity\":2}]}",
                    "Authorization", "Bearer " + token, "Idempotency-Key", "repair-1");
            assertThat(placed.status()).as(placed.body()).isEqualTo(201);
            String id = placed.json().path("orderId").asText();

            // the relay sends OrderPlaced; then it is lost: every record of the topic is deleted before inventory reads it
            TopicPartition orders = new TopicPartition("shop.orders", 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> end(admin, orders) > 0);
            admin.deleteRecords(Map.of(orders, RecordsToDelete.beforeOffset(end(admin, orders)))).all().get();
            shop.start("inventory");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                Reply o = Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + token);
                assertThat(o.json().path("inventoryStatus").asText()).as(o.body()).isEqualTo("RESERVED");
            });
            assertThat(Api.get(shop.url("inventory") + "/stock/p-002").json().path("reserved").asInt())
                    .as("reserved once").isEqualTo(2);
            String metrics = Api.get(shop.url("order") + "/metrics").body();
            assertThat(metrics).containsPattern("shop_reconciliation_repairs_total\\{[^}]*kind=\"order_placed_republished\"[^}]*} [1-9]");
        }
    }

    @Test
    void aLostInventoryAnswerIsSentAgainWhenTheRepairAsksAgain() throws Exception {
        System.setProperty("sinew.shop.repair.after", "3s");
        try (ShopCluster shop = new ShopCluster(dir, true)) {
            String gw = shop.gateway();
            String token = ShopApiTest.login0(gw, "alice", "alice");
            Reply placed = Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-003\",\"quantity\":1}]}",
                    "Authorization", "Bearer " + token, "Idempotency-Key", "repair-2");
            assertThat(placed.status()).as(placed.body()).isEqualTo(201);
            String id = placed.json().path("orderId").asText();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> assertThat(
                    Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + token).json().path("inventoryStatus")
                            .asText()).isEqualTo("RESERVED"));
            int reserved = Api.get(shop.url("inventory") + "/stock/p-003").json().path("reserved").asInt();

            // the order side loses inventory's answer (as a killed order service did in a game day):
            // inventory has decided, the order is PENDING again
            try (Connection c = DriverManager.getConnection("jdbc:h2:" + dir.resolve("order").toAbsolutePath().resolve("db")
                    + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000;WRITE_DELAY=0", "sa", "");
                 PreparedStatement ps = c.prepareStatement("UPDATE orders SET inventory_status = 'PENDING' WHERE id = ?")) {
                ps.setString(1, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }

            // the repair publishes OrderPlaced again; inventory decides nothing new and answers again
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> assertThat(
                    Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + token).json().path("inventoryStatus")
                            .asText()).isEqualTo("RESERVED"));
            assertThat(Api.get(shop.url("inventory") + "/stock/p-003").json().path("reserved").asInt())
                    .as("reserved once").isEqualTo(reserved);
            assertThat(Api.get(shop.url("order") + "/metrics").body())
                    .containsPattern("shop_reconciliation_repairs_total\\{[^}]*kind=\"order_placed_republished\"[^}]*} [1-9]");
        }
    }

    private static long end(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }
}
