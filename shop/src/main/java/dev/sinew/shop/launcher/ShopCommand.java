package dev.sinew.shop.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sinew.console.security.AdminToken;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sinew shop}: runs the whole shop in the foreground with a live status line (Ctrl-C stops
 * it), and {@code ./sinew shop start|stop|kill|freeze|thaw|status} to break and repair one node of
 * a running shop from another terminal.
 */
@Command(name = "shop", mixinStandardHelpOptions = true,
        description = {
            "Starts the Kafka broker and the seven shop services as child processes, waits until all are ready,",
            "starts the console (base port + 10; docs/CONSOLE.md), prints the URLs, the admin token and a live",
            "status line. Ctrl-C stops everything.",
            "",
            "From another terminal: ./sinew shop kill payment   (SIGKILL)",
            "                       ./sinew shop freeze broker  (SIGSTOP; thaw = SIGCONT)",
            "                       ./sinew shop start payment  (start a stopped/killed node with the same arguments)"},
        subcommands = {ShopCommand.NodeCommand.Start.class, ShopCommand.NodeCommand.Stop.class,
            ShopCommand.NodeCommand.Kill.class, ShopCommand.NodeCommand.Freeze.class,
            ShopCommand.NodeCommand.Thaw.class, ShopCommand.Status.class})
public final class ShopCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "data", description = "where the services' databases, logs, the broker and shop-state.json live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--base-port", defaultValue = "8080", description = "gateway port; auth, catalog, recommendation, order, payment, inventory follow (default: ${DEFAULT-VALUE})")
    int basePort;

    @Option(names = "--broker-port", defaultValue = "19092", description = "Kafka port; its controller uses the next one (default: ${DEFAULT-VALUE})")
    int brokerPort;

    @Option(names = "--classpath", description = "classpath of the child processes (default: this JVM's)")
    String classpath;

    @Option(names = "--console-port", description = "the console's port (default: base port + 10, i.e. 8090)")
    Integer consolePort;

    @Option(names = "--no-console", description = "do not start the console")
    boolean noConsole;

    @Option(names = "--console-chaos", description = "let the console break nodes (freeze, kill, stop); off by default")
    boolean consoleChaos;

    @Option(names = "--chaos", description = "start the services with fault injection on (/admin/faults; used by ./sinew gameday)")
    boolean chaos;

    @Option(names = "--naive", description = "start the services with naive clients: no timeouts, unbudgeted retries, no breakers (for comparison)")
    boolean naive;

    @Option(names = "--service-jvm-options", description = "JVM options of each service, space separated (default: -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1; for experiments)")
    String serviceJvmOptions;

    @Option(names = "--no-status", description = "print status changes as lines instead of one refreshed status line")
    boolean noStatusLine;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ShopCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Shop.Builder b = Shop.builder().dataDir(dataDir).basePort(basePort).brokerPort(brokerPort).chaos(chaos).naive(naive);
        if (classpath != null) {
            b.classpath(classpath);
        }
        if (serviceJvmOptions != null && !serviceJvmOptions.isBlank()) {
            b.jvmArgs(List.of(serviceJvmOptions.trim().split("\\s+")));
        }
        Shop shop = b.build();
        out.println("starting the Kafka broker (port " + brokerPort + ") and 7 services (ports " + basePort + "-"
                + (basePort + 6) + "), data in " + shop.dataDir() + " ...");
        StatusLine status = new StatusLine(shop, out, !noStatusLine && System.console() != null);
        Thread statusThread = new Thread(status, "shop-status");
        statusThread.setDaemon(true);
        statusThread.start();
        long t0 = System.nanoTime();
        try {
            shop.start();
        } catch (RuntimeException e) {
            status.stop();
            out.println();
            System.err.println("shop: " + e.getMessage());
            return 1;
        }
        HttpServer control = startControl(shop);
        ConsoleProcess console = null;
        if (!noConsole) {
            try {
                console = ConsoleProcess.start(shop, consolePort != null ? consolePort : basePort + 10, Duration.ofSeconds(60),
                        consoleChaos ? List.of("--chaos") : List.of());
            } catch (RuntimeException e) {
                System.err.println("console: " + e.getMessage() + " (the shop runs without it)");
            }
        }
        status.pause();
        out.printf("%nshop ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.println("  storefront   " + shop.gatewayUrl() + "/");
        out.println("  API          " + shop.gatewayUrl() + "/api/products");
        for (String s : Shop.SERVICES) {
            out.printf("  %-14s %s  (pid %d, log %s)%n", s, shop.url(s), shop.pid(s), shop.logFile(s));
        }
        out.printf("  %-14s %s  (pid %d, log %s)%n", "broker", shop.bootstrapServers(), shop.pid(Shop.BROKER),
                shop.logFile(Shop.BROKER));
        out.println("  state        " + shop.dataDir().resolve("shop-state.json"));
        if (console != null) {
            out.printf("  %-14s %s/  (pid %d, log %s)%n", "console", console.url(), console.pid(),
                    shop.dataDir().resolve("console").resolve("console.log"));
            out.println("  admin token  " + console.token() + "  (in " + shop.adminTokenFile() + "; the console and every /admin API ask for it)");
        }
        out.println("load: ./sinew load --rate 50 --duration 60s   break: ./sinew shop kill|freeze|thaw|start <service|broker>   audit: ./sinew audit");
        out.println("Ctrl-C stops everything.");
        status.resume();
        CountDownLatch done = new CountDownLatch(1);
        ConsoleProcess startedConsole = console;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            status.stop();
            control.stop(0);
            if (startedConsole != null) {
                startedConsole.close();
            }
            out.println();
            out.println("stopping the shop...");
            shop.stop();
            out.println("stopped.");
            done.countDown();
        }, "shop-ctrl-c"));
        done.await();
        return 0;
    }

    /** The launcher's control API on a free loopback port, recorded in shop-state.json (tests start it too). */
    static HttpServer startControl(Shop shop) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "shop-control");
            t.setDaemon(true);
            return t;
        }));
        AdminToken token = AdminToken.loadOrCreate(shop.adminTokenFile()); // the same token as every /admin API
        server.createContext("/nodes/", exchange -> handleControl(shop, token, exchange));
        server.start();
        shop.controlPort(server.getAddress().getPort());
        return server;
    }

    private static void handleControl(Shop shop, AdminToken token, HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/"); // "", "nodes", node, action
        int code = 200;
        String body;
        try {
            if (!token.matches(AdminToken.bearer(exchange.getRequestHeaders().getFirst("Authorization")))) {
                code = 401;
                throw new SecurityException("the launcher's control API needs Authorization: Bearer <admin token> (in "
                        + shop.adminTokenFile() + ")");
            }
            if (parts.length != 4 || !"POST".equals(exchange.getRequestMethod())) {
                throw new IllegalArgumentException("expected POST /nodes/<node>/<start|stop|kill|freeze|thaw>"
                        + " or POST /nodes/broker/link with the proxy link's faults as JSON");
            }
            String node = parts[2];
            String action = parts[3];
            long t0 = System.nanoTime();
            if ("link".equals(action)) { // the broker's fault proxy link: the body is its faults as JSON
                if (!Shop.BROKER.equals(node)) {
                    throw new IllegalArgumentException("only the broker has a fault proxy link, not " + node);
                }
                byte[] in = exchange.getRequestBody().readAllBytes();
                shop.brokerLink(dev.sinew.chaos.proxy.LinkFaults.fromJson(in.length == 0 ? null
                        : new com.fasterxml.jackson.databind.ObjectMapper().readTree(in)));
            } else {
                apply(shop, node, action);
            }
            body = node + ": " + action + " done in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
        } catch (SecurityException e) {
            body = e.getMessage();
        } catch (IllegalArgumentException e) {
            code = 400;
            body = e.getMessage();
        } catch (RuntimeException e) {
            code = 500;
            body = e.getMessage();
        }
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    static void apply(Shop shop, String node, String action) {
        switch (action) {
            case "start" -> shop.startNode(node);
            case "stop" -> shop.stopNode(node);
            case "kill" -> shop.kill(node);
            case "freeze" -> shop.freeze(node);
            case "thaw" -> shop.thaw(node);
            case "restart" -> shop.restart(node);
            default -> throw new IllegalArgumentException("unknown action '" + action + "'");
        }
    }

    /** One refreshed line (on a terminal) or a line per change: every node up/starting/down/frozen. */
    static final class StatusLine implements Runnable {
        private final Shop shop;
        private final PrintStream out;
        private final boolean refresh;
        private volatile boolean running = true;
        private volatile boolean paused;
        private String last = "";

        StatusLine(Shop shop, PrintStream out, boolean refresh) {
            this.shop = shop;
            this.out = out;
            this.refresh = refresh;
        }

        @Override
        public void run() {
            while (running) {
                if (!paused) {
                    String line = line();
                    if (refresh) {
                        out.print("\r\033[K" + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
                        out.flush();
                    } else if (!line.equals(last)) {
                        out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
                    }
                    last = line;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        String line() {
            StringBuilder sb = new StringBuilder();
            for (String node : Shop.NODES) {
                Shop.Status s = shop.status(node);
                String label = switch (s) {
                    case UP -> "up";
                    case STARTING -> "starting";
                    case DOWN -> "DOWN";
                    case FROZEN -> "FROZEN";
                };
                if (sb.length() > 0) {
                    sb.append("  ");
                }
                sb.append(node).append(':').append(label);
            }
            return sb.toString();
        }

        void pause() {
            paused = true;
            if (refresh) {
                out.print("\r\033[K");
            }
        }

        void resume() {
            paused = false;
            last = "";
        }

        void stop() {
            running = false;
        }
    }

    /** Prints every node's pid, port and state from the state file. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows each node of the running shop: pid, port, up/down/frozen.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--data-dir", defaultValue = "data", description = "the shop's data directory (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call() {
            Optional<ShopState.Snapshot> state = new ShopState(dataDir.resolve("shop-state.json")).read();
            if (state.isEmpty()) {
                System.err.println("no shop running in " + dataDir + " (no shop-state.json); start one with ./sinew shop");
                return 1;
            }
            System.out.println("launcher pid " + state.get().launcherPid() + (alive(state.get().launcherPid()) ? "" : " (gone)"));
            for (Map.Entry<String, ShopState.Node> e : state.get().nodes().entrySet()) {
                long pid = e.getValue().pid();
                String s = pid <= 0 || !alive(pid) ? "down" : Shop.isStopped(pid) ? "FROZEN" : "running";
                System.out.printf("%-15s %-8s pid %-8d %s%n", e.getKey(), s, pid, e.getValue().url());
            }
            return 0;
        }
    }

    private static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** start|stop|kill|freeze|thaw one node, through the running launcher (or by pid when it is gone). */
    abstract static class NodeCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "<node>", description = "gateway, auth, catalog, recommendation, order, payment, inventory or broker")
        String node;

        @Option(names = "--data-dir", defaultValue = "data", description = "the shop's data directory (default: ${DEFAULT-VALUE})")
        Path dataDir;

        abstract String action();

        abstract String signal();

        @Override
        public Integer call() throws Exception {
            if (!Shop.NODES.contains(node)) {
                System.err.println("unknown node '" + node + "'; expected one of " + Shop.NODES);
                return 2;
            }
            Optional<ShopState.Snapshot> state = new ShopState(dataDir.resolve("shop-state.json")).read();
            if (state.isEmpty()) {
                System.err.println("no shop running in " + dataDir + " (no shop-state.json); start one with ./sinew shop");
                return 1;
            }
            ShopState.Snapshot s = state.get();
            if (alive(s.launcherPid()) && s.controlPort() > 0) {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + s.controlPort() + "/nodes/" + node + "/" + action()))
                        .header("Authorization", Shop.controlAuthorization(dataDir))
                        .timeout(Duration.ofSeconds(150)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                (r.statusCode() == 200 ? System.out : System.err).print(r.body());
                return r.statusCode() == 200 ? 0 : 1;
            }
            // the launcher is gone: signals still work by pid, a start needs the launcher
            ShopState.Node n = s.nodes().get(node);
            if (signal() == null) {
                System.err.println("the launcher (pid " + s.launcherPid() + ") is not running; start the shop with ./sinew shop");
                return 1;
            }
            if (n == null || !alive(n.pid())) {
                System.err.println(node + " is not running");
                return 1;
            }
            Shop.signal(n.pid(), signal());
            System.out.println(node + ": kill -" + signal() + " " + n.pid() + " (launcher not running)");
            return 0;
        }

        @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts a stopped or killed node again with the same arguments; returns when it is ready.")
        static final class Start extends NodeCommand {
            String action() { return "start"; }
            String signal() { return null; }
        }

        @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops a node cleanly (SIGTERM).")
        static final class Stop extends NodeCommand {
            String action() { return "stop"; }
            String signal() { return "TERM"; }
        }

        @Command(name = "kill", mixinStandardHelpOptions = true, description = "Kills a node with SIGKILL, as a crash would.")
        static final class Kill extends NodeCommand {
            String action() { return "kill"; }
            String signal() { return "KILL"; }
        }

        @Command(name = "freeze", mixinStandardHelpOptions = true, description = "Freezes a node with SIGSTOP: it keeps its sockets but answers nothing.")
        static final class Freeze extends NodeCommand {
            String action() { return "freeze"; }
            String signal() { return "STOP"; }
        }

        @Command(name = "thaw", mixinStandardHelpOptions = true, description = "Lets a frozen node continue (SIGCONT).")
        static final class Thaw extends NodeCommand {
            String action() { return "thaw"; }
            String signal() { return "CONT"; }
        }
    }
}
