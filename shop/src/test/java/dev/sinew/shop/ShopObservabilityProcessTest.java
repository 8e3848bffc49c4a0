package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.Api.Reply;
import dev.sinew.shop.alerts.Promtool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics and /diagnose on real processes: catalog and gateway as their own JVMs (the gateway's
 * other peers are left unreachable, which the gateway tolerates). Scripted calls show up with the
 * documented names and values; the scrape passes {@code promtool check metrics}; a SIGSTOPped
 * catalog opens the gateway's catalog breaker and {@code /diagnose} names it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopObservabilityProcessTest {

    @TempDir
    static Path dir;
    static final List<Process> processes = new ArrayList<>();
    static int catalogPort;
    static int gatewayPort;
    static Process catalog;
    static String gw;

    static Process launch(String service, int port, String... peers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", ShopProcessTest.classpath(),
                "dev.sinew.shop.ShopService", service, "--port", Integer.toString(port),
                "--data-dir", dir.resolve(service).toString()));
        for (String p : peers) {
            cmd.add("--peer");
            cmd.add(p);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(service + ".log").toFile()).start();
        processes.add(p);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> Api.get("http://127.0.0.1:" + port + "/health/ready").status() == 200);
        return p;
    }

    @BeforeAll
    static void start() throws Exception {
        catalogPort = ShopCluster.freePort();
        gatewayPort = ShopCluster.freePort();
        int nobody = ShopCluster.freePort();
        catalog = launch("catalog", catalogPort);
        launch("gateway", gatewayPort, "catalog=http://127.0.0.1:" + catalogPort, "auth=http://127.0.0.1:" + nobody,
                "recommendation=http://127.0.0.1:" + nobody, "order=http://127.0.0.1:" + nobody);
        gw = "http://127.0.0.1:" + gatewayPort;
    }

    @AfterAll
    static void stop() throws Exception {
        if (catalog != null && catalog.isAlive()) {
            signal(catalog, "CONT");
        }
        processes.forEach(Process::destroyForcibly);
    }

    static void signal(Process p, String signal) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    static Scrape metrics(String base) throws Exception {
        Reply r = Api.get(base + "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
        return new Scrape(r.body());
    }

    @Test
    @Order(1)
    void scriptedCallsShowUpWithTheDocumentedNamesAndPassPromtool() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Api.get(gw + "/api/products").header("X-Sinew-Degraded")).isNull());
        for (int i = 0; i < 3; i++) {
            assertThat(Api.get(gw + "/api/products/p-00" + (i + 1)).status()).isEqualTo(200);
        }
        assertThat(Api.get(gw + "/api/products/nope").status()).isEqualTo(404);
        assertThat(Api.get(gw + "/no/such/path/4711").status()).isEqualTo(404);

        Scrape g = metrics(gw);
        String instance = "127.0.0.1:" + gatewayPort;
        assertThat(g.sum("http_server_requests_seconds_count", "service", "gateway", "instance", instance, "method", "GET",
                "route", "/api/products/{id}", "status", "200", "outcome", "SUCCESS", "degraded", "false")).isEqualTo(3);
        assertThat(g.sum("http_server_requests_seconds_count", "route", "/api/products/{id}", "status", "404",
                "outcome", "CLIENT_ERROR")).isEqualTo(1);
        assertThat(g.sum("http_server_requests_seconds_count", "route", "NOT_FOUND", "status", "404")).isEqualTo(1);
        assertThat(g.text()).doesNotContain("route=\"/api/products/p-001\"").doesNotContain("4711");
        assertThat(g.lines("http_server_requests_seconds_bucket", "route", "/api/products/{id}")).isNotEmpty();
        assertThat(g.sum("sinew_calls_seconds_count", "pipeline", "catalog", "outcome", "success")).isGreaterThanOrEqualTo(4);
        assertThat(g.sum("sinew_breaker_state", "pipeline", "catalog", "state", "closed")).isEqualTo(1);
        assertThat(g.lines("shop_jdbc_statements_seconds_bucket", "kind", "select", "table", "catalog_snapshot")).isNotEmpty();
        assertThat(g.sum("jvm_memory_used_bytes")).isPositive();
        assertThat(g.lines("jvm_threads_live_threads")).isNotEmpty();
        assertThat(g.lines("jvm_gc_live_data_size_bytes")).isNotEmpty();
        assertThat(g.lines("process_uptime_seconds")).isNotEmpty();
        assertThat(g.lines("process_cpu_usage")).isNotEmpty();

        Scrape c = metrics("http://127.0.0.1:" + catalogPort);
        assertThat(c.sum("shop_jdbc_statements_seconds_count", "service", "catalog", "kind", "select", "table", "products"))
                .isGreaterThanOrEqualTo(4);
        assertThat(c.sum("http_server_requests_seconds_count", "route", "/products/{id}", "status", "200")).isEqualTo(3);

        Promtool promtool = Promtool.require();
        for (Scrape s : List.of(g, c)) {
            Promtool.Result r = promtool.runWithInput(dir, s.text(), "check", "metrics");
            assertThat(r.exitCode()).as("promtool check metrics:\n" + r.output()).isZero();
        }
    }

    @Test
    @Order(2)
    void frozenCatalogOpensTheBreakerAndDiagnoseNamesIt() throws Exception {
        signal(catalog, "STOP");
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                Reply r = Api.get(gw + "/api/products");
                assertThat(r.header("X-Sinew-Degraded")).isEqualTo("stale:catalog");
                assertThat(metrics(gw).sum("sinew_breaker_state", "pipeline", "catalog", "state", "open")).isEqualTo(1);
            });
            Scrape g = metrics(gw);
            assertThat(g.sum("sinew_breaker_transitions_total", "pipeline", "catalog", "to", "open")).isGreaterThanOrEqualTo(1);
            assertThat(g.sum("sinew_breaker_state", "pipeline", "catalog", "state", "closed")).isZero();
            assertThat(g.sum("http_server_requests_seconds_count", "route", "/api/products", "degraded", "true")).isPositive();

            JsonNode d = Api.get(gw + "/diagnose").json();
            assertThat(d.path("service").asText()).isEqualTo("gateway");
            assertThat(d.path("instance").asText()).isEqualTo("127.0.0.1:" + gatewayPort);
            assertThat(d.path("pid").asLong()).isPositive();
            assertThat(d.path("verdict").asText()).as(d.toString()).startsWith("catalog: breaker OPEN since");
            assertThat(d.path("slowestDependency").path("name").asText()).as(d.toString()).isEqualTo("catalog");
            JsonNode cat = null;
            for (JsonNode n : d.path("dependencies")) {
                if (n.path("name").asText().equals("catalog")) {
                    cat = n;
                }
            }
            assertThat(cat).as(d.toString()).isNotNull();
            assertThat(cat.path("breaker").asText()).isEqualTo("OPEN");
            assertThat(cat.path("rejectionsLastMinute").asLong() + cat.path("failuresLastMinute").asLong()).isPositive();
            assertThat(cat.path("dominantError").asText()).isNotEmpty();

            Reply text = Api.get(gw + "/diagnose", "Accept", "text/plain");
            assertThat(text.header("Content-Type")).startsWith("text/plain");
            assertThat(text.body()).contains("verdict: catalog: breaker OPEN").contains("slowest dependency: catalog");
            assertThat(Api.get(gw + "/diagnose?format=text").body()).contains("verdict: catalog");
        } finally {
            signal(catalog, "CONT");
        }
    }
}
