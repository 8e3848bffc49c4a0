package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sinew.shop.launcher.ShopNodes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Detection of an outage nobody calls synchronously (inventory, the broker): order's gauge of the
 * oldest order awaiting inventory, scraped over real HTTP from a stand-in order service.
 */
class MetricsWatchTest {

    @Test
    void anOrderWaitingTooLongForInventoryIsTheDetectionOfInventoryAndBrokerOutages() throws Exception {
        AtomicReference<String> metrics = new AtomicReference<>(
                "shop_orders_awaiting_inventory_oldest_seconds{service=\"order\",instance=\"x\"} 0.4\n");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> respond(ex, metrics.get()));
        server.createContext("/health/ready", ex -> respond(ex, "{\"kafka\":\"UP\",\"payment\":\"UP\"}"));
        server.start();
        try {
            String order = "http://127.0.0.1:" + server.getAddress().getPort();
            AtomicLong clock = new AtomicLong();
            MetricsWatch watch = new MetricsWatch(new OnlyOrder(order), clock::get); // scraped by hand, not started
            clock.set(1_000);
            watch.scrapeOnce();
            metrics.set("shop_orders_awaiting_inventory_oldest_seconds{service=\"order\",instance=\"x\"} 6.2\n");
            clock.set(2_000);
            watch.scrapeOnce();

            MetricsWatch.Detection d = watch.firstDetection("inventory", 0, 10_000);
            assertThat(d).isNotNull();
            assertThat(d.at()).isEqualTo(2_000);
            assertThat(d.what()).isEqualTo("order: oldest order awaiting inventory 6.2 s (> 5 s)");
            assertThat(watch.firstDetection("broker", 0, 10_000)).isNotNull();
            assertThat(watch.firstDetection("inventory", 0, 1_500)).as("0.4 s is healthy").isNull();
            assertThat(watch.firstDetection("payment", 0, 10_000)).as("not a sign of a payment outage").isNull();
        } finally {
            server.stop(0);
        }
    }

    private static void respond(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    /** Order at {@code url}; every other service on a port nobody listens on (no scrape, as when down). */
    private record OnlyOrder(String url) implements ShopNodes {
        @Override
        public String url(String service) {
            return "order".equals(service) ? url : "http://127.0.0.1:1";
        }

        @Override
        public int port(String node) {
            return 1;
        }

        @Override
        public long pid(String node) {
            return -1;
        }

        @Override
        public void kill(String node) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void startNode(String node) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void freeze(String node) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void thaw(String node) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Path dataDir() {
            return Path.of(".");
        }
    }
}
