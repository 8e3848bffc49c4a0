package dev.sinew.shop.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load generator against a stub gateway (JDK HttpServer): counting, classification, open loop, bounds. */
class LoadGeneratorTest {

    private HttpServer server;
    private ExecutorService executor;
    private final AtomicInteger orders = new AtomicInteger();
    private volatile boolean productsHang;
    private volatile boolean recommendationsDegraded;
    private volatile boolean loginRefused;

    @BeforeEach
    void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/api/products", ex -> {
            String path = ex.getRequestURI().getPath();
            if (productsHang && path.equals("/api/products")) {
                sleep(5000);
            }
            reply(ex, 200, path.equals("/api/products")
                    ? "{\"products\":[{\"id\":\"p1\"},{\"id\":\"p2\"}]}" : "{\"id\":\"p1\"}", null);
        });
        server.createContext("/api/recommendations", ex -> reply(ex, 200, "{\"products\":[]}",
                recommendationsDegraded ? "fallback:popular" : null));
        server.createContext("/api/login", ex -> {
            if (loginRefused) {
                reply(ex, 503, "{\"error\":\"auth-unavailable\",\"message\":\"try later\"}", null);
            } else {
                reply(ex, 200, "{\"token\":\"t-1\"}", null);
            }
        });
        server.createContext("/api/orders", ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                boolean authorized = "Bearer t-1".equals(ex.getRequestHeaders().getFirst("Authorization"))
                        && ex.getRequestHeaders().getFirst("Idempotency-Key") != null;
                reply(ex, authorized ? 201 : 401, authorized
                        ? "{\"orderId\":\"o-" + orders.incrementAndGet() + "\",\"status\":\"CONFIRMED\"}"
                        : "{\"error\":\"unauthorized\",\"message\":\"no token\"}", null);
            } else {
                reply(ex, 200, "{\"orderId\":\"o-1\"}", null);
            }
        });
        server.start();
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void healthyRunSendsAboutRateTimesDurationAndAllSucceed() {
        LoadResult r = LoadGenerator.run(LoadConfig.builder().target(url()).rate(200).duration(Duration.ofSeconds(2))
                .seed(1).build());

        assertThat(r.total().total()).isBetween(300L, 500L);
        assertThat(r.total().ok()).isEqualTo(r.total().total());
        assertThat(r.route(Route.ORDER).total()).isPositive();
        assertThat(r.route(Route.GET_ORDER).total()).isPositive();
        assertThat(orders.get()).isEqualTo((int) r.route(Route.ORDER).ok());
        assertThat(r.format()).contains("products", "order", "get-order", "p99 ms");
    }

    @Test
    void degradedAndRefusedAnswersAreToldApartFromFailures() {
        recommendationsDegraded = true;
        LoadGenerator g = LoadGenerator.start(LoadConfig.builder().target(url()).rate(100)
                .duration(Duration.ofSeconds(1)).mix("recommendations=1,login=1").seed(2).build());
        loginRefused = true; // setup logged in already; every login of the run is refused
        LoadResult r = g.await();

        RouteStats recs = r.route(Route.RECOMMENDATIONS);
        assertThat(recs.total()).isPositive();
        assertThat(recs.degraded()).isEqualTo(recs.total());
        RouteStats login = r.route(Route.LOGIN);
        assertThat(login.total()).isPositive();
        assertThat(login.rejected()).isEqualTo(login.total());
        assertThat(r.total().failed()).isZero();
    }

    @Test
    void aHungRouteCountsAsFailedAtTheTimeoutAndDoesNotStopTheOthers() {
        LoadGenerator g = LoadGenerator.start(LoadConfig.builder().target(url()).rate(100)
                .duration(Duration.ofSeconds(2)).requestTimeout(Duration.ofMillis(300)).maxInFlight(16)
                .mix("products=1,product=1").seed(3).build());
        productsHang = true;
        long t0 = System.nanoTime();
        LoadResult r = g.await();
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(seconds).as("the run ends despite the hung route").isLessThan(6);
        RouteStats products = r.route(Route.PRODUCTS);
        assertThat(products.failed()).isEqualTo(products.total()).isPositive();
        // measured from the intended send time: at least the timeout, or more when the in-flight bound refused it
        assertThat(products.p50Millis()).isGreaterThanOrEqualTo(0);
        assertThat(r.samples().stream().filter(s -> s.route() == Route.PRODUCTS && s.status() < 0)
                .mapToLong(Sample::latencyNanos).max().orElse(0)).isLessThan(Duration.ofSeconds(2).toNanos());
        RouteStats product = r.route(Route.PRODUCT);
        assertThat(product.total()).isPositive();
        // the product page shares the 16-slot in-flight bound with the hung route: most still get through
        assertThat(product.ok()).isGreaterThan(product.total() / 4);
    }

    @Test
    void latencyCountsFromTheIntendedSendTime() {
        // the whole server stalls 400 ms for every request: a closed-loop client would report ~400 ms
        // and send less; this one keeps the schedule, so queued requests show their waiting too
        server.removeContext("/api/products");
        server.createContext("/api/products", ex -> {
            sleep(400);
            reply(ex, 200, "{\"products\":[{\"id\":\"p1\"}]}", null);
        });
        LoadResult r = LoadGenerator.run(LoadConfig.builder().target(url()).rate(50).duration(Duration.ofSeconds(2))
                .mix("products=1").seed(4).build());
        assertThat(r.total().total()).isBetween(60L, 150L);
        assertThat(r.total().p50Millis()).isGreaterThanOrEqualTo(390);
    }

    @Test
    void badSettingsAreRefusedWithTheKeyAndTheValue() {
        assertThatThrownBy(() -> LoadConfig.parseMix("products=3,shoes=1"))
                .hasMessageContaining("shoes").hasMessageContaining("products, product");
        assertThatThrownBy(() -> LoadConfig.parseMix("products=-1")).hasMessageContaining("-1");
        assertThatThrownBy(() -> LoadConfig.parseMix("products=0")).hasMessageContaining("no route");
        assertThatThrownBy(() -> LoadConfig.builder().rate(0)).hasMessageStartingWith("rate: 0.0");
        assertThatThrownBy(() -> LoadConfig.builder().maxInFlight(0)).hasMessageStartingWith("max-in-flight: 0");
    }

    private static void reply(HttpExchange ex, int status, String body, String degraded) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (degraded != null) {
            ex.getResponseHeaders().add("X-Sinew-Degraded", degraded);
        }
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
