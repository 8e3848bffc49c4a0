package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sinew.shop.Api.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison mode's naive order service: it reserves stock by a synchronous call to inventory
 * inside placement (no Kafka here at all), so an inventory outage refuses orders; inventory's
 * {@code POST /reservations} decides once per order id.
 */
class NaiveOrderTest {

    @TempDir
    static Path dir;
    static ShopCluster shop;
    static String gw;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        shop = new ShopCluster(dir, false, Map.of(), Set.of("order"));
        gw = shop.gateway();
        alice = ShopApiTest.login0(gw, "alice", "alice");
    }

    @AfterAll
    static void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    private static Reply order(String key) throws Exception {
        return Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-003\",\"quantity\":2}]}",
                "Authorization", "Bearer " + alice, "Idempotency-Key", key);
    }

    private static int available(String productId) throws Exception {
        return Api.get(shop.url("inventory") + "/stock/" + productId).json().path("available").asInt();
    }

    @Test
    void ordersAreReservedSynchronouslyAndRefusedWhileInventoryIsDown() throws Exception {
        int before = available("p-003");
        Reply[] placed = new Reply[1];
        // until order has its catalog copy (503 catalog_unavailable before)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> (placed[0] = order("naive-1")).status() == 201);
        String id = placed[0].json().path("orderId").asText();
        assertThat(placed[0].json().path("inventoryStatus").asText()).as(placed[0].body()).isEqualTo("RESERVED");
        assertThat(available("p-003")).isEqualTo(before - 2);

        // the reservation endpoint decides once per order id: asking again changes nothing
        Reply again = Api.post(shop.url("inventory") + "/reservations",
                "{\"orderId\":\"" + id + "\",\"items\":[{\"productId\":\"p-003\",\"quantity\":2}]}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("status").asText()).isEqualTo("RESERVED");
        assertThat(again.json().path("repeat").asBoolean()).isTrue();
        assertThat(available("p-003")).isEqualTo(before - 2);
        assertThat(Api.post(shop.url("inventory") + "/reservations", "{\"orderId\":\"o-x\"}").status()).isEqualTo(400);

        shop.stop("inventory");
        try {
            Reply refused = order("naive-2");
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        } finally {
            shop.start("inventory");
        }
        Reply back = order("naive-3");
        assertThat(back.status()).as(back.body()).isEqualTo(201);
        assertThat(back.json().path("inventoryStatus").asText()).isEqualTo("RESERVED");
    }
}
