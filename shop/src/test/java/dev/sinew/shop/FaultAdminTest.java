package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.sinew.shop.runtime.ServiceOptions;
import dev.sinew.shop.runtime.ShopServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/faults}: off (404 chaos_off) unless the service runs with --chaos; with it, a fault
 * on a peer goes into the pipeline of that name (the peer sees no call while 100% errors are on),
 * bad requests get a 400 with the reason, DELETE switches it off again.
 */
class FaultAdminTest {

    @Test
    void faultsAreSwitchedOverHttpOnlyWithChaos(@TempDir Path dir) throws Exception {
        AtomicInteger catalogCalls = new AtomicInteger();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", ex -> {
            catalogCalls.incrementAndGet();
            byte[] body = "{\"error\":\"down\",\"message\":\"fake\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        fake.start();
        URI peer = URI.create("http://127.0.0.1:" + fake.getAddress().getPort() + "/");
        Map<String, URI> peers = Map.of("catalog", peer, "auth", peer, "recommendation", peer, "order", peer);
        try (ShopServer off = ShopService.start(new ServiceOptions("gateway", 0, dir.resolve("off"), peers, null, null, null, null));
             ShopServer on = ShopService.start(new ServiceOptions("gateway", 0, dir.resolve("on"), peers, null, null, null, null, true))) {
            Api.Reply disabled = Api.post(off.baseUrl() + "/admin/faults", "{\"target\":\"catalog\",\"kind\":\"error\"}");
            assertThat(disabled.status()).isEqualTo(404);
            assertThat(disabled.json().path("error").asText()).isEqualTo("chaos_off");
            assertThat(disabled.json().path("message").asText()).contains("--chaos");

            String admin = on.baseUrl() + "/admin/faults";
            assertBad(admin, "{\"target\":\"catalog\",\"kind\":\"slow\"}", "kind 'slow' is not one of latency, error");
            assertBad(admin, "{\"target\":\"catalog\",\"kind\":\"error\",\"rate\":1.5}", "'rate' must be a number from 0 to 1");
            assertBad(admin, "{\"target\":\"catalog\",\"kind\":\"latency\"}", "needs 'latencyMs'");
            assertBad(admin, "{\"target\":\"catalog\",\"kind\":\"latency\",\"latencyMs\":-1}", "'latencyMs' must be a number from 0 to 60000");
            assertBad(admin, "{\"target\":\"catalog\",\"kind\":\"error\",\"latencyMs\":5}", "takes no 'latencyMs'");
            assertBad(admin, "{\"target\":\"catalog\",\"kind\":\"error\",\"colour\":1}", "unknown field 'colour'");
            assertBad(admin, "{\"kind\":\"error\"}", "field 'target' is required");
            Api.Reply malformed = Api.post(admin, "{\"target\":");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.json().path("error").asText()).isEqualTo("malformed_json");

            Api.get(on.baseUrl() + "/api/products"); // creates the catalog pipeline, reaches the fake
            assertThat(catalogCalls.get()).isPositive();
            Api.Reply enabled = Api.post(admin, "{\"target\":\"catalog\",\"kind\":\"error\",\"rate\":1.0}");
            assertThat(enabled.status()).isEqualTo(200);
            assertThat(enabled.json().path("pipeline").asBoolean()).isTrue();
            assertThat(Api.get(admin).json().path("faults").path("catalog").path("kind").asText()).isEqualTo("error");

            catalogCalls.set(0);
            for (int i = 0; i < 5; i++) {
                Api.get(on.baseUrl() + "/api/products");
            }
            assertThat(catalogCalls.get()).as("calls that reached catalog while 100% errors were injected").isZero();
            String metrics = Api.get(on.baseUrl() + "/metrics").body();
            assertThat(metrics).containsPattern("sinew_calls_seconds_count\\{[^}]*outcome=\"failure\"[^}]*pipeline=\"catalog\"");

            assertThat(Api.send("DELETE", admin, null).status()).isEqualTo(200);
            assertThat(Api.get(admin).json().path("faults").size()).isZero();
            // the errors opened the gateway's catalog breaker (3 s): its half-open probes reach catalog again
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                Api.get(on.baseUrl() + "/api/products");
                assertThat(catalogCalls.get()).as("calls after the fault was cleared").isPositive();
            });

            Api.Reply other = Api.post(admin, "{\"target\":\"inventory\",\"kind\":\"latency\",\"latencyMs\":100}");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.json().path("pipeline").asBoolean()).isFalse();
            assertThat(other.json().path("note").asText()).contains("no pipeline 'inventory'");
            assertThat(Api.send("DELETE", admin + "/inventory", null).json().path("cleared").asText()).isEqualTo("inventory");
        } finally {
            fake.stop(0);
        }
    }

    private static void assertBad(String url, String body, String reason) throws Exception {
        Api.Reply r = Api.post(url, body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.json().path("message").asText()).as(body).contains(reason);
    }
}
