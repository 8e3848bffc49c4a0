package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.Api.Reply;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every service's API through the gateway and directly, including bad input. No broker needed here. */
class ShopApiTest {

    @TempDir
    static Path dir;
    static ShopCluster shop;
    static String gw;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        shop = new ShopCluster(dir, false);
        gw = shop.gateway();
        alice = login("alice", "alice");
    }

    @AfterAll
    static void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    static String login(String user, String password) throws Exception {
        return login0(gw, user, password);
    }

    static String login0(String gw, String user, String password) throws Exception {
        Reply r = Api.post(gw + "/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    static void assertJsonError(Reply r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode j = r.json();
        assertThat(j.path("error").asText()).isNotBlank();
        assertThat(j.path("message").asText()).isNotBlank();
    }

    @Test
    void everyServiceHasHealthEndpointsAndJson404() throws Exception {
        for (String s : ShopService.SERVICES) {
            Reply live = Api.get(shop.url(s) + "/health/live");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().path("service").asText()).isEqualTo(s);
            Reply ready = Api.get(shop.url(s) + "/health/ready");
            assertThat(ready.status()).as(s + " " + ready.body()).isEqualTo(200);
            assertThat(ready.json().path("database").asText()).isEqualTo("UP");
            assertJsonError(Api.get(shop.url(s) + "/no/such/route"), 404);
            assertJsonError(oversizedPost(shop.url(s) + "/health/live"), 413);
        }
    }

    /**
     * Posts a 70 KiB body (over the 64 KiB limit). The server answers 413 and closes without reading
     * the rest of the body; the client may still be writing and then sees the connection reset
     * before the answer. So this tries a few times and needs the JSON 413 to arrive at least once.
     */
    private static Reply oversizedPost(String url) throws Exception {
        java.io.IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return Api.post(url, "x".repeat(70 * 1024));
            } catch (java.io.IOException resetBeforeTheAnswer) {
                last = resetBeforeTheAnswer;
            }
        }
        throw last;
    }

    @Test
    void browsing() throws Exception {
        Reply products = Api.get(gw + "/api/products");
        assertThat(products.status()).isEqualTo(200);
        assertThat(products.json().get("products")).hasSize(20);
        assertThat(products.header("X-Sinew-Degraded")).isNull();
        Reply one = Api.get(gw + "/api/products/p-001");
        assertThat(one.json().get("priceCents").asLong()).isEqualTo(1990);
        assertJsonError(Api.get(gw + "/api/products/p-999"), 404);
        assertJsonError(Api.get(gw + "/api/products/" + "x".repeat(100)), 404);
        Reply recs = Api.get(gw + "/api/recommendations?user=alice");
        assertThat(recs.status()).as(recs.body()).isEqualTo(200);
        assertThat(recs.json().get("products")).hasSize(4);
        assertThat(recs.json().path("source").asText()).isEqualTo("personal");
        assertThat(recs.header("X-Sinew-Degraded")).isNull();
        assertJsonError(Api.get(gw + "/api/recommendations"), 400);
        Reply page = Api.get(gw + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Sinew shop</title>").contains("/api/orders");
    }

    @Test
    void login() throws Exception {
        assertThat(login("bob", "bob")).contains(".");
        assertJsonError(Api.post(gw + "/api/login", "{\"user\":\"alice\",\"password\":\"wrong\"}"), 401);
        assertJsonError(Api.post(gw + "/api/login", "{\"user\":\"mallory\",\"password\":\"x\"}"), 401);
        assertJsonError(Api.post(gw + "/api/login", "{\"user\":\"alice\""), 400);
        assertJsonError(Api.post(gw + "/api/login", "{\"user\":\"alice\"}"), 400);
        assertJsonError(Api.post(gw + "/api/login", "[1,2]"), 400);
        assertJsonError(Api.post(gw + "/api/login", ""), 400);
    }

    @Test
    void placeOrderPaysAndIsReadableByItsOwnerOnly() throws Exception {
        Reply r = order(alice, "k-happy", "{\"items\":[{\"productId\":\"p-001\",\"quantity\":2},{\"productId\":\"p-005\",\"quantity\":1}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode o = r.json();
        assertThat(o.path("status").asText()).isIn("PAID", "PAYMENT_PENDING"); // pending only on a very slow machine
        assertThat(o.path("totalCents").asLong()).isEqualTo(2 * 1990 + 3450);
        assertThat(o.path("inventoryStatus").asText()).isEqualTo("PENDING"); // no broker in this test
        assertThat(o.has("requestHash")).isFalse();
        String id = o.path("orderId").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            Reply read = Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + alice);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().path("status").asText()).isEqualTo("PAID");
        });
        String bob = login("bob", "bob");
        assertJsonError(Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + bob), 404);
        Reply charge = Api.get(shop.url("payment") + "/charges/" + id);
        assertThat(charge.json().path("status").asText()).isEqualTo("CHARGED");
        assertThat(charge.json().path("amountCents").asLong()).isEqualTo(2 * 1990 + 3450);
    }

    @Test
    void sameIdempotencyKeyGivesOneOrder() throws Exception {
        String body = "{\"items\":[{\"productId\":\"p-002\",\"quantity\":1}]}";
        Reply first = order(alice, "k-same", body);
        Reply second = order(alice, "k-same", body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("orderId").asText()).isEqualTo(first.json().path("orderId").asText());
        assertThat(second.json().path("repeat").asBoolean()).isTrue();
        // another user may use the same key for their own order
        String bob = login("bob", "bob");
        Reply bobs = order(bob, "k-same", body);
        assertThat(bobs.status()).isEqualTo(201);
        assertThat(bobs.json().path("orderId").asText()).isNotEqualTo(first.json().path("orderId").asText());
        // the same key with a different body is refused
        assertJsonError(order(alice, "k-same", "{\"items\":[{\"productId\":\"p-002\",\"quantity\":2}]}"), 422);
    }

    @Test
    void concurrentRepeatsOfOneKeyMakeOneOrder() throws Exception {
        String body = "{\"items\":[{\"productId\":\"p-003\",\"quantity\":1}]}";
        java.util.List<java.util.concurrent.Future<Reply>> replies = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                replies.add(pool.submit(() -> order(alice, "k-race", body)));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            int created = 0;
            for (var f : replies) {
                Reply r = f.get();
                assertThat(r.status()).as(r.body()).isIn(200, 201);
                created += r.status() == 201 ? 1 : 0;
                ids.add(r.json().path("orderId").asText());
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badOrders() throws Exception {
        String ok = "{\"items\":[{\"productId\":\"p-001\",\"quantity\":1}]}";
        assertJsonError(Api.post(gw + "/api/orders", ok), 401);
        assertJsonError(Api.post(gw + "/api/orders", ok, "Authorization", "Basic abc"), 401);
        assertJsonError(Api.post(gw + "/api/orders", ok, "Authorization", "Bearer garbage"), 401);
        // a token whose payload was changed to another user: signature no longer matches
        String[] parts = alice.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[0])).replace("alice", "bob").getBytes());
        assertJsonError(Api.post(gw + "/api/orders", ok, "Authorization", "Bearer " + forgedPayload + "." + parts[1]), 401);
        // the order service checks tokens itself too
        assertJsonError(Api.post(shop.url("order") + "/orders", ok, "Authorization", "Bearer " + forgedPayload + "." + parts[1]), 401);

        assertJsonError(order(alice, null, "{\"items\":[{\"productId\":\"p-001\",\"quantity\":1}"), 400);
        assertJsonError(order(alice, null, "not json"), 400);
        assertJsonError(order(alice, null, "{}"), 400);
        assertJsonError(order(alice, null, "{\"items\":[]}"), 400);
        assertJsonError(order(alice, null, "{\"items\":[{\"productId\":\"p-404\",\"quantity\":1}]}"), 400);
        for (String q : new String[] {"0", "-1", "101", "1000000000000", "1.5", "\"2\"", "null"}) {
            Reply r = order(alice, null, "{\"items\":[{\"productId\":\"p-001\",\"quantity\":" + q + "}]}");
            assertJsonError(r, 400);
        }
        assertJsonError(order(alice, "x".repeat(200), ok), 400);
        String huge = "{\"items\":[" + "{\"productId\":\"p-001\",\"quantity\":1},".repeat(3000) + "{\"productId\":\"p-001\",\"quantity\":1}]}";
        assertJsonError(order(alice, null, huge), 413);
        // a client still sending a refused body gets the 413, not a reset connection (the server reads the rest first)
        String larger = "{\"items\":[" + "{\"productId\":\"p-001\",\"quantity\":1},".repeat(25_000) + "{\"productId\":\"p-001\",\"quantity\":1}]}";
        for (int i = 0; i < 5; i++) {
            assertJsonError(order(alice, null, larger), 413);
        }
        assertJsonError(Api.get(gw + "/api/orders/o-unknown", "Authorization", "Bearer " + alice), 404);
    }

    @Test
    void paymentIsIdempotentByOrderIdAndDeclinesLargeAmounts() throws Exception {
        String pay = shop.url("payment") + "/charges";
        Reply a = Api.post(pay, "{\"orderId\":\"o-direct\",\"user\":\"alice\",\"amountCents\":500}");
        Reply b = Api.post(pay, "{\"orderId\":\"o-direct\",\"user\":\"alice\",\"amountCents\":500}");
        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(200);
        assertThat(b.json().path("chargeId").asText()).isEqualTo(a.json().path("chargeId").asText());
        assertThat(b.json().path("repeat").asBoolean()).isTrue();
        assertThat(Api.post(pay, "{\"orderId\":\"o-big\",\"user\":\"alice\",\"amountCents\":900000}").json()
                .path("status").asText()).isEqualTo("DECLINED");
        assertJsonError(Api.post(pay, "{\"orderId\":\"o-neg\",\"user\":\"alice\",\"amountCents\":-5}"), 400);
        assertJsonError(Api.post(pay, "{\"orderId\":\"o-neg\",\"user\":\"alice\"}"), 400);
        // an order above the card limit ends PAYMENT_FAILED
        Reply r = order(alice, "k-big", "{\"items\":[{\"productId\":\"p-020\",\"quantity\":6}]}");
        String big = r.json().path("orderId").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Api.get(gw + "/api/orders/" + big, "Authorization", "Bearer " + alice).json()
                        .path("status").asText()).isEqualTo("PAYMENT_FAILED"));
    }

    @Test
    void inventoryAndCatalogEndpoints() throws Exception {
        assertThat(Api.get(shop.url("inventory") + "/stock").json().get("stock")).hasSize(20);
        assertThat(Api.get(shop.url("inventory") + "/stock/p-020").json().path("available").asInt()).isEqualTo(3);
        assertJsonError(Api.get(shop.url("inventory") + "/stock/p-999"), 404);
        assertJsonError(Api.get(shop.url("inventory") + "/reservations/o-none"), 404);
        assertThat(Api.get(shop.url("catalog") + "/products").json().get("products")).hasSize(20);
        assertThat(Api.get(shop.url("auth") + "/public-key").json().path("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(Api.get(shop.url("recommendation") + "/popular").json().get("products").get(0).path("id").asText())
                .isEqualTo("p-020");
    }

    /** Repeats while the gateway answers 503 (a cold JVM on a loaded machine); 4xx answers come at once. */
    static Reply order(String token, String key, String body) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Reply r = order0(token, key, body);
        while (r.status() == 503 && key != null && System.nanoTime() < deadline) {
            Thread.sleep(300);
            r = order0(token, key, body);
        }
        return r;
    }

    static Reply order0(String token, String key, String body) throws Exception {
        return key == null
                ? Api.post(gw + "/api/orders", body, "Authorization", "Bearer " + token)
                : Api.post(gw + "/api/orders", body, "Authorization", "Bearer " + token, "Idempotency-Key", key);
    }
}
