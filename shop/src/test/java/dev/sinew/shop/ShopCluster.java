package dev.sinew.shop;

import dev.sinew.kafka.KafkaBroker;
import dev.sinew.shop.runtime.ServiceOptions;
import dev.sinew.shop.runtime.ShopServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole shop in this JVM (each service its own server, database and port) plus a real Kafka broker
 * process; services can be stopped and started again on the same port and data directory.
 */
final class ShopCluster implements AutoCloseable {

    static final Map<String, List<String>> PEERS = Map.of(
            "gateway", List.of("auth", "catalog", "recommendation", "order"),
            "recommendation", List.of("catalog"),
            "order", List.of("auth", "catalog", "payment"));

    final Path dir;
    final KafkaBroker broker;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, ShopServer> running = new LinkedHashMap<>();

    /** A JDBC URL per service that runs on another database than its embedded H2 file (none by default). */
    final Map<String, String> jdbcUrls;
    /** Services started with {@code --naive} (naive clients; order then reserves stock over HTTP). */
    final java.util.Set<String> naive;

    ShopCluster(Path dir, boolean withBroker) throws Exception {
        this(dir, withBroker, Map.of());
    }

    ShopCluster(Path dir, boolean withBroker, Map<String, String> jdbcUrls) throws Exception {
        this(dir, withBroker, jdbcUrls, java.util.Set.of());
    }

    ShopCluster(Path dir, boolean withBroker, Map<String, String> jdbcUrls, java.util.Set<String> naive) throws Exception {
        this.dir = dir;
        this.jdbcUrls = jdbcUrls;
        this.naive = java.util.Set.copyOf(naive);
        this.broker = withBroker ? KafkaBroker.builder().dataDir(dir.resolve("kafka")).partitions(1)
                .startTimeout(Duration.ofSeconds(60)).build().start() : null;
        for (String s : ShopService.SERVICES) {
            ports.put(s, freePort());
        }
        for (String s : ShopService.SERVICES) {
            start(s);
        }
    }

    ShopServer start(String service) throws Exception {
        Map<String, URI> peers = new LinkedHashMap<>();
        for (String p : PEERS.getOrDefault(service, List.of())) {
            peers.put(p, URI.create("http://127.0.0.1:" + ports.get(p) + "/"));
        }
        if (naive.contains(service) && "order".equals(service)) {
            peers.put("inventory", URI.create("http://127.0.0.1:" + ports.get("inventory") + "/"));
        }
        ServiceOptions o = new ServiceOptions(service, ports.get(service), dir.resolve(service), peers,
                broker == null ? null : broker.bootstrapServers(), jdbcUrls.get(service),
                jdbcUrls.containsKey(service) ? "postgres" : null, null, false, naive.contains(service));
        ShopServer s = ShopService.start(o);
        running.put(service, s);
        return s;
    }

    void stop(String service) {
        ShopServer s = running.remove(service);
        if (s != null) {
            s.close();
        }
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    String gateway() {
        return url("gateway");
    }

    static int freePort() throws IOException {
        return dev.sinew.kafka.FreePorts.next(); // below the ephemeral range: a restarted node finds its port free
    }

    @Override
    public void close() {
        List<String> names = List.copyOf(running.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            stop(names.get(i));
        }
        if (broker != null) {
            broker.close();
        }
    }
}
