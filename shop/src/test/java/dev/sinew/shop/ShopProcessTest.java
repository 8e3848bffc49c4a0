package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sinew.shop.Api.Reply;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service as its own OS process, started exactly as the launcher does
 * ({@code java -Xmx128m -cp ... dev.sinew.shop.ShopService <service> --port ... --data-dir ... --peer ...}):
 * each starts and serves within the heap limit; a SIGKILLed payment leaves orders PAYMENT_PENDING and a
 * restarted one gets them charged. (No broker here: the Kafka paths are in {@link ShopDegradedTest}.)
 */
class ShopProcessTest {

    @TempDir
    static Path dir;
    static final Map<String, Integer> ports = new LinkedHashMap<>();
    static final Map<String, Process> processes = new LinkedHashMap<>();
    static final Map<String, Long> startMillis = new LinkedHashMap<>();

    static String classpath() throws Exception {
        Path target = Path.of("target");
        return target.resolve("classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(target.resolve("classpath.txt"), StandardCharsets.UTF_8).trim();
    }

    static Process launch(String service) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", classpath(), "dev.sinew.shop.ShopService", service,
                "--port", Integer.toString(ports.get(service)), "--data-dir", dir.resolve(service).toString()));
        for (String p : ShopCluster.PEERS.getOrDefault(service, List.of())) {
            cmd.add("--peer");
            cmd.add(p + "=http://127.0.0.1:" + ports.get(p));
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(service + ".log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> Api.get(url(service) + "/health/ready").status() == 200); // started, not only listening
        startMillis.put(service, (System.nanoTime() - t0) / 1_000_000);
        processes.put(service, p);
        return p;
    }

    static String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    @BeforeAll
    static void start() throws Exception {
        for (String s : ShopService.SERVICES) {
            ports.put(s, ShopCluster.freePort());
        }
        for (String s : ShopService.SERVICES) {
            launch(s);
        }
        System.out.println("process start to /health/live (ms): " + startMillis);
    }

    @AfterAll
    static void stop() {
        processes.values().forEach(Process::destroyForcibly);
    }

    @Test
    void everyProcessStartsAndServesInA128MbHeap() throws Exception {
        startMillis.forEach((s, ms) -> assertThat(ms).as(s + " start (ms), measured on a shared, loaded machine")
                .isLessThan(15_000));
        String gw = url("gateway");
        String token = ShopApiTest.login0(gw, "alice", "alice");
        for (int i = 0; i < 100; i++) {
            assertThat(Api.get(gw + "/api/products").status()).isEqualTo(200);
            assertThat(Api.get(gw + "/api/recommendations?user=u" + i).status()).isEqualTo(200);
        }
        for (int i = 0; i < 20; i++) {
            Reply r = Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-001\",\"quantity\":1}]}",
                    "Authorization", "Bearer " + token, "Idempotency-Key", "proc-" + i);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        for (Map.Entry<String, Process> e : processes.entrySet()) {
            assertThat(e.getValue().isAlive()).as(e.getKey()).isTrue();
            assertThat(Files.readString(dir.resolve(e.getKey() + ".log"))).as(e.getKey()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void killedPaymentProcessThenRestartedChargesPendingOrders() throws Exception {
        String gw = url("gateway");
        String token = ShopApiTest.login0(gw, "bob", "bob");
        processes.remove("payment").destroyForcibly().waitFor();
        Reply r = Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-015\",\"quantity\":1}]}",
                "Authorization", "Bearer " + token, "Idempotency-Key", "kill-1");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("X-Sinew-Degraded")).isEqualTo("payment-pending");
        String id = r.json().path("orderId").asText();
        launch("payment");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(Api.get(gw + "/api/orders/" + id, "Authorization", "Bearer " + token).json()
                        .path("status").asText()).isEqualTo("PAID"));
    }
}
