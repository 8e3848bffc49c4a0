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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer answering 200 with garbage instead of JSON counts as {@code outcome="contract_error"}. */
class ContractErrorTest {

    @Test
    void garbageFromAPeerIsAContractError(@TempDir Path dir) throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", ex -> {
            byte[] body = "<html>not json{".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        fake.start();
        URI peer = URI.create("http://127.0.0.1:" + fake.getAddress().getPort() + "/");
        try (ShopServer gateway = ShopService.start(new ServiceOptions("gateway", 0, dir.resolve("gateway"),
                Map.of("catalog", peer, "auth", peer, "recommendation", peer, "order", peer), null, null, null, null))) {
            String gw = gateway.baseUrl();
            assertThat(Api.get(gw + "/api/products").status()).isEqualTo(503); // never a valid catalog
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Scrape s = new Scrape(Api.get(gw + "/metrics").body());
                assertThat(s.sum("sinew_calls_seconds_count", "pipeline", "catalog", "outcome", "contract_error")).isPositive();
                assertThat(s.sum("sinew_calls_seconds_count", "pipeline", "catalog", "outcome", "success")).isZero();
                assertThat(s.lines("sinew_calls_seconds_count", "instance", "127.0.0.1:" + gateway.port())).isNotEmpty();
            });
            assertThat(Api.get(gw + "/diagnose").json().path("dependencies").toString()).contains("ContractViolationException");
        } finally {
            fake.stop(0);
        }
    }
}
