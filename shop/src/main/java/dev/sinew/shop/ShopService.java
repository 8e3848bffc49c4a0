package dev.sinew.shop;

import dev.sinew.shop.runtime.ServiceOptions;
import dev.sinew.shop.runtime.ShopModule;
import dev.sinew.shop.runtime.ShopServer;
import dev.sinew.shop.service.AuthService;
import dev.sinew.shop.service.CatalogService;
import dev.sinew.shop.service.GatewayService;
import dev.sinew.shop.service.InventoryService;
import dev.sinew.shop.service.OrderService;
import dev.sinew.shop.service.PaymentService;
import dev.sinew.shop.service.RecommendationService;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Starts one shop service in this JVM:
 * {@code java -Xmx128m -cp <cp> dev.sinew.shop.ShopService <service> --port <p> --data-dir <dir>
 * [--peer <name>=<url> ...] [--kafka <host:port>] [--jdbc-url <url>] [--otlp-endpoint <url>] [--chaos] [--naive]}.
 */
@Command(name = "ShopService", mixinStandardHelpOptions = true,
        description = "Runs one service of the Sinew reference shop (one service per process).",
        footer = {"", "Services and what they need:",
            "  gateway         --peer auth= catalog= recommendation= order=",
            "  auth            (none)",
            "  catalog         (none)",
            "  recommendation  --peer catalog=",
            "  order           --peer auth= catalog= payment= --kafka",
            "  payment         (none)",
            "  inventory       --kafka",
            "", "Example: ShopService catalog --port 8082 --data-dir ./data/catalog"})
public final class ShopService implements Callable<Integer> {

    /** The service names, in start order. */
    public static final List<String> SERVICES =
            List.of("auth", "catalog", "payment", "inventory", "recommendation", "order", "gateway");

    @Parameters(index = "0", paramLabel = "<service>",
            description = "gateway, auth, catalog, recommendation, order, payment or inventory")
    String service;

    @Option(names = "--port", paramLabel = "<port>", description = "HTTP port (default: 8080 + the service's offset)")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "<dir>", description = "data directory (default ./data/<service>)")
    Path dataDir;

    @Option(names = "--peer", paramLabel = "<name>=<url>", description = "base URL of another service, repeatable")
    Map<String, String> peers = new LinkedHashMap<>();

    @Option(names = "--kafka", paramLabel = "<host:port>", description = "Kafka bootstrap servers (order, inventory)")
    String kafka;

    @Option(names = "--jdbc-url", paramLabel = "<url>", description = "JDBC URL (PostgreSQL) instead of the H2 file database")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "<user>", description = "database user (or SINEW_JDBC_USER)")
    String jdbcUser = System.getenv("SINEW_JDBC_USER");

    @Option(names = "--jdbc-password", paramLabel = "<password>", description = "database password (or SINEW_JDBC_PASSWORD)")
    String jdbcPassword = System.getenv("SINEW_JDBC_PASSWORD");

    @Option(names = "--otlp-endpoint", paramLabel = "<url>",
            description = "export spans to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (default: no export;"
                    + " trace ids still propagate and appear in the logs)")
    String otlpEndpoint;

    @Option(names = "--chaos", description = "fault injection on: a fault policy (idle) on every pipeline and"
            + " POST/DELETE /admin/faults (loopback only) to slow or fail this service's calls to a peer. Off by default.")
    boolean chaos;

    @Option(names = "--naive", description = "call peers as a naive client would: no timeouts, 3 attempts with no retry"
            + " budget, no circuit breaker, no bulkhead (the game day's comparison mode). Off by default.")
    boolean naive;

    /** The default port of a service: 8080 + its offset. */
    public static int defaultPort(String service) {
        return switch (service) {
            case "gateway" -> 8080;
            case "auth" -> 8081;
            case "catalog" -> 8082;
            case "recommendation" -> 8083;
            case "order" -> 8084;
            case "payment" -> 8085;
            case "inventory" -> 8086;
            default -> throw new IllegalArgumentException("unknown service '" + service
                    + "'; expected one of gateway, auth, catalog, recommendation, order, payment, inventory");
        };
    }

    /** A new module for a service name. */
    public static ShopModule module(String service) {
        return switch (service) {
            case "gateway" -> new GatewayService();
            case "auth" -> new AuthService();
            case "catalog" -> new CatalogService();
            case "recommendation" -> new RecommendationService();
            case "order" -> new OrderService();
            case "payment" -> new PaymentService();
            case "inventory" -> new InventoryService();
            default -> throw new IllegalArgumentException("unknown service '" + service
                    + "'; expected one of gateway, auth, catalog, recommendation, order, payment, inventory");
        };
    }

    /** Starts a service in this JVM (tests use it with port 0). */
    public static ShopServer start(ServiceOptions options) throws Exception {
        return ShopServer.start(options, module(options.service()));
    }

    @Override
    public Integer call() throws Exception {
        int p = port != null ? port : defaultPort(service);
        Map<String, URI> peerUris = new LinkedHashMap<>();
        peers.forEach((k, v) -> peerUris.put(k, URI.create(v.endsWith("/") ? v : v + "/")));
        ServiceOptions o = new ServiceOptions(service, p, dataDir != null ? dataDir : Path.of("data", service),
                peerUris, kafka, jdbcUrl, jdbcUser, jdbcPassword, chaos, naive);
        ShopServer server = ShopServer.start(o, module(service), otlpEndpoint);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        // started by the launcher (-Dsinew.shop.parent-watchdog=true): exit when the launcher is gone, even after kill -9
        dev.sinew.shop.launcher.ParentWatchdog.installIfRequested();
        configureLogging(args);
        CommandLine cl = new CommandLine(new ShopService());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e);
            org.slf4j.LoggerFactory.getLogger("shop").error("startup failed", e);
            return 1;
        });
        int code = cl.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Names the service in every log line ({@code service=} of {@code logback.xml}, read when the
     * first logger is made, so before anything logs): the first argument unless it is an option.
     */
    public static void configureLogging(String... args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            setDefault("sinew.service", args[0]);
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
