package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sinew.kafka.KafkaBroker;
import dev.sinew.shop.Api.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One order is one trace across real processes: gateway → order (HTTP, {@code traceparent}) → outbox →
 * Kafka → inventory's inbox → (outbox, Kafka) → order's inbox. The trace id is taken from the gateway's
 * answer and looked up in the services' log lines. Recommendation is not started (not on the path).
 */
class ShopTraceProcessTest {

    private static final Pattern TRACE_ID = Pattern.compile(" trace_id=([0-9a-f]{32}) span_id=([0-9a-f]{16}) ");
    private static final List<String> STARTED = List.of("auth", "catalog", "payment", "inventory", "order", "gateway");

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static final Map<String, Integer> ports = new LinkedHashMap<>();
    static final Map<String, Process> processes = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.builder().dataDir(dir.resolve("kafka")).partitions(1)
                .startTimeout(Duration.ofSeconds(60)).build().start();
        for (String s : ShopService.SERVICES) {
            ports.put(s, ShopCluster.freePort()); // recommendation's port stays closed
        }
        for (String s : STARTED) {
            launch(s);
        }
    }

    static void launch(String service) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", ShopProcessTest.classpath(),
                "dev.sinew.shop.ShopService", service, "--port", Integer.toString(ports.get(service)),
                "--data-dir", dir.resolve(service).toString(), "--kafka", broker.bootstrapServers()));
        for (String p : ShopCluster.PEERS.getOrDefault(service, List.of())) {
            cmd.add("--peer");
            cmd.add(p + "=http://127.0.0.1:" + ports.get(p));
        }
        processes.put(service, new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log(service).toFile()).start());
    }

    static Path log(String service) {
        return dir.resolve(service + ".log");
    }

    @AfterAll
    static void stop() {
        processes.values().forEach(Process::destroyForcibly);
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void oneOrderIsOneTraceFromTheGatewayThroughKafkaToInventoryAndBack() throws Exception {
        String gw = "http://127.0.0.1:" + ports.get("gateway");
        String[] token = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> (token[0] = ShopApiTest.login0(gw, "alice", "alice")) != null);
        Reply[] placed = new Reply[1];
        AtomicInteger attempt = new AtomicInteger();
        // until order has its catalog copy and auth's key, and a cold order answers within the gateway's
        // 800 ms: a new key per attempt, so the 201 is the answer of the request that placed its order
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .alias("a 201 for an order (each answer is printed)")
                .conditionEvaluationListener(c -> {
                    if (c.isSatisfied() || placed[0] == null) {
                        return;
                    }
                    System.out.println("order attempt " + attempt.get() + ": " + placed[0].status() + " " + placed[0].body());
                })
                .until(() -> (placed[0] = Api.post(gw + "/api/orders", "{\"items\":[{\"productId\":\"p-002\",\"quantity\":1}]}",
                        "Authorization", "Bearer " + token[0], "Idempotency-Key", "traced-" + attempt.incrementAndGet()))
                        .status() == 201);
        String orderId = placed[0].json().path("orderId").asText();
        String traceparent = placed[0].header("traceparent");
        assertThat(traceparent).as("gateway's traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        String traceId = traceparent.split("-")[1];

        // order: the request's server span (a child of the gateway's pipeline span), same trace
        String[] orderPlaced = await().atMost(Duration.ofSeconds(10))
                .until(() -> ids(log("order"), "order " + orderId + " placed"), Optional::isPresent).get();
        assertThat(orderPlaced[0]).as("order's log line for %s", orderId).isEqualTo(traceId);

        // inventory: the inbox handler's consumer span, after Kafka, same trace
        String[] reserved = await().atMost(Duration.ofSeconds(30))
                .until(() -> ids(log("inventory"), "order " + orderId + " RESERVED"), Optional::isPresent).get();
        assertThat(reserved[0]).as("inventory's log line for %s", orderId).isEqualTo(traceId);
        assertThat(reserved[1]).isNotEqualTo(orderPlaced[1]);

        // and back: order's inbox handler for StockReserved, still the same trace
        String[] back = await().atMost(Duration.ofSeconds(30))
                .until(() -> ids(log("order"), "order " + orderId + " inventory RESERVED"), Optional::isPresent).get();
        assertThat(back[0]).isEqualTo(traceId);
        assertThat(Files.readString(log("gateway"))).doesNotContain(" level=ERROR ");
    }

    /** trace id and span id of the first log line containing {@code text}. */
    static Optional<String[]> ids(Path log, String text) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains(text)) {
                Matcher m = TRACE_ID.matcher(line);
                return Optional.of(m.find() ? new String[] {m.group(1), m.group(2)} : new String[] {"(none) " + line, ""});
            }
        }
        return Optional.empty();
    }
}
