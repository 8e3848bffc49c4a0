package dev.sinew.shop.launcher;

import dev.sinew.chaos.proxy.FaultProxy;
import dev.sinew.chaos.proxy.LinkConfig;
import dev.sinew.chaos.proxy.LinkFaults;
import dev.sinew.console.security.AdminToken;
import dev.sinew.kafka.FreePorts;
import dev.sinew.kafka.KafkaBroker;
import dev.sinew.shop.admin.AdminRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole shop as real child processes: the Kafka broker and the seven services, each its own
 * JVM, so a kill (SIGKILL) or a freeze (SIGSTOP) is real. Used by the launcher ({@code ./sinew shop})
 * and by tests:
 *
 * <pre>{@code
 * try (Shop shop = Shop.start(dataDir)) {          // free ports; Shop.start(dataDir, 8080, 19092) for fixed ones
 *     shop.kill("payment");  shop.freeze("broker");  shop.thaw("broker");  shop.restart("payment");
 *     shop.url("gateway");
 * }
 * }</pre>
 *
 * <p>Every node change is written to {@code <dataDir>/shop-state.json} (pids, ports, commands) so
 * another process ({@code ./sinew shop kill payment}) can find the processes, and so the next start
 * can remove processes left behind by a launcher that was killed with SIGKILL.
 */
public final class Shop implements AutoCloseable, ShopNodes {

    private static final Logger log = LoggerFactory.getLogger(Shop.class);

    /** The services in start order; their default ports are base port + index. */
    public static final List<String> SERVICES =
            List.of("gateway", "auth", "catalog", "recommendation", "order", "payment", "inventory");
    /** The name of the Kafka broker node. */
    public static final String BROKER = "broker";
    /** Services and the broker: every name {@link #kill}, {@link #freeze} and friends accept. */
    public static final List<String> NODES = List.of("gateway", "auth", "catalog", "recommendation", "order",
            "payment", "inventory", BROKER);

    private static final String SERVICE_MAIN = "dev.sinew.shop.ShopService";

    /** What a node is doing right now, as the status line shows it. */
    public enum Status { UP, STARTING, DOWN, FROZEN }

    private final Path dataDir;
    private final Map<String, Integer> ports;
    private final KafkaBroker broker;
    /** With chaos: the fault proxy's port the broker advertises and the services bootstrap from; else 0. */
    private final int brokerProxyPort;
    private volatile FaultProxy brokerProxy;
    private final String classpath;
    private final String javaExecutable;
    private final List<String> jvmArgs;
    private final Duration readyTimeout;
    private final boolean chaos;
    private final boolean naive;
    private final Map<String, String> jdbcUrls;
    private final String jdbcUser;
    private final ShopState stateFile;
    private final HttpClient http;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> brokerStarting = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock stopLock = new ReentrantLock();
    private volatile boolean stopped;
    private Thread shutdownHook;

    private Shop(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath();
        this.classpath = b.classpath != null ? b.classpath : System.getProperty("java.class.path");
        this.javaExecutable = b.javaExecutable != null ? b.javaExecutable
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.readyTimeout = b.readyTimeout;
        this.chaos = b.chaos;
        this.naive = b.naive;
        this.jdbcUrls = Map.copyOf(b.jdbcUrls);
        this.jdbcUser = b.jdbcUser;
        Map<String, Integer> p = new LinkedHashMap<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            p.put(SERVICES.get(i), b.basePort == 0 ? FreePorts.next() : b.basePort + i);
        }
        this.ports = Map.copyOf(p);
        int brokerPort = b.brokerPort == 0 ? FreePorts.next() : b.brokerPort;
        int controllerPort = b.brokerPort == 0 ? FreePorts.next() : b.brokerPort + 1;
        // with chaos every Kafka connection goes through a fault proxy link: the broker listens on its
        // port but advertises the proxy's, so clients use the proxy after the bootstrap too
        this.brokerProxyPort = !b.chaos ? 0 : b.brokerPort == 0 ? FreePorts.next() : b.brokerPort + 2;
        this.broker = KafkaBroker.builder()
                .dataDir(dataDir.resolve("broker"))
                .port(brokerPort)
                .advertisedPort(brokerProxyPort)
                .controllerPort(controllerPort)
                .maxHeap(b.brokerHeap)
                .classpath(classpath)
                .javaExecutable(javaExecutable)
                .partitions(3)
                .startTimeout(b.readyTimeout)
                .build();
        this.stateFile = new ShopState(dataDir.resolve("shop-state.json"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the shop on free ports with its data under {@code dataDir}; returns when every node is ready. */
    public static Shop start(Path dataDir) {
        return builder().dataDir(dataDir).build().start();
    }

    /**
     * Starts the shop on fixed ports: services on {@code basePort + index} in {@link #SERVICES} order
     * (8080 gives gateway 8080 ... inventory 8086), the broker on {@code brokerPort} and its
     * controller on {@code brokerPort + 1}.
     */
    public static Shop start(Path dataDir, int basePort, int brokerPort) {
        return builder().dataDir(dataDir).basePort(basePort).brokerPort(brokerPort).build().start();
    }

    /**
     * Removes leftovers of a previous run in this data directory, then starts the broker and all
     * services (in parallel) and waits until every one is ready. On failure everything started is
     * stopped again and the exception names the node and shows the tail of its log.
     */
    public Shop start() {
        lock.lock();
        try {
            Files.createDirectories(dataDir);
            AdminToken.loadOrCreate(adminTokenFile()); // before the services: they read it at start
            cleanUpLeftovers();
            checkPortsFree();
            installShutdownHook();
            if (chaos) {
                brokerProxy = FaultProxy.start(List.of(new LinkConfig(BROKER, "127.0.0.1", brokerProxyPort, "127.0.0.1",
                        broker.port(), LinkFaults.NONE)));
            }
            CompletableFuture<Void> brokerStart = CompletableFuture.runAsync(() -> startNode(BROKER));
            for (String s : SERVICES) {
                launch(s);
            }
            writeState();
            for (String s : SERVICES) {
                awaitReady(s, readyTimeout);
            }
            brokerStart.get(readyTimeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            writeState();
            return this;
        } catch (Exception e) {
            stop();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("shop did not start: " + cause.getMessage(), cause);
        } finally {
            lock.unlock();
        }
    }

    /** The command line a service is started with (the process contract of the shop). */
    public List<String> command(String service) {
        requireService(service);
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(jvmArgs);
        cmd.add("-D" + ParentWatchdog.PROPERTY + "=true");
        cmd.add("-D" + AdminRoutes.TOKEN_FILE_PROPERTY + "=" + adminTokenFile());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(SERVICE_MAIN);
        cmd.add(service);
        cmd.add("--port");
        cmd.add(Integer.toString(ports.get(service)));
        cmd.add("--data-dir");
        cmd.add(dataDir.resolve(service).toString());
        for (String peer : SERVICES) {
            if (!peer.equals(service)) {
                cmd.add("--peer");
                cmd.add(peer + "=" + url(peer));
            }
        }
        cmd.add("--kafka");
        cmd.add(kafkaBootstrap());
        if (chaos) {
            cmd.add("--chaos");
        }
        if (naive) {
            cmd.add("--naive");
        }
        String jdbcUrl = jdbcUrls.get(service);
        if (jdbcUrl != null) {
            cmd.add("--jdbc-url");
            cmd.add(jdbcUrl);
            if (jdbcUser != null) {
                cmd.add("--jdbc-user");
                cmd.add(jdbcUser);
            }
        }
        return cmd;
    }

    /** Starts a node that is not running (after a kill or stop) with the same arguments and waits until it is ready. */
    @Override
    public void startNode(String node) {
        requireNode(node);
        if (BROKER.equals(node)) {
            if (broker.isAlive()) {
                return;
            }
            brokerStarting.put(BROKER, true);
            try {
                broker.start();
            } finally {
                brokerStarting.remove(BROKER);
                writeState();
            }
            return;
        }
        Process p = processes.get(node);
        if (p != null && p.isAlive()) {
            return;
        }
        launch(node);
        writeState();
        awaitReady(node, readyTimeout);
    }

    /** SIGKILL, as a crash would; waits until the process is gone. The node stays down until {@link #startNode}. */
    @Override
    public void kill(String node) {
        requireNode(node);
        if (BROKER.equals(node)) {
            thawQuietly(brokerPid());
            broker.kill();
        } else {
            Process p = processes.get(node);
            if (p != null) {
                p.destroyForcibly();
                waitFor(p, Duration.ofSeconds(10));
            }
        }
        writeState();
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing (a hung service). */
    @Override
    public void freeze(String node) {
        signal(pidOrThrow(node), "STOP");
    }

    /** SIGCONT: a frozen node continues. */
    @Override
    public void thaw(String node) {
        signal(pidOrThrow(node), "CONT");
    }

    /** SIGTERM (a clean shutdown), SIGKILL after 10 s. The node stays down until {@link #startNode}. */
    public void stopNode(String node) {
        requireNode(node);
        if (BROKER.equals(node)) {
            thawQuietly(brokerPid());
            broker.stop();
        } else {
            Process p = processes.get(node);
            if (p != null && p.isAlive()) {
                thawQuietly(p.pid());
                p.toHandle().destroy(); // SIGTERM without closing the stdin pipe (that would trip the watchdog mid-shutdown)
                if (!waitFor(p, Duration.ofSeconds(10))) {
                    p.destroyForcibly();
                    waitFor(p, Duration.ofSeconds(10));
                }
            }
        }
        writeState();
    }

    /** Stops (thawing it first if frozen) and starts a node again with the same arguments; returns when ready. */
    public void restart(String node) {
        stopNode(node);
        startNode(node);
    }

    /** What a node is doing: DOWN (no process), FROZEN (SIGSTOPped), STARTING (not ready yet) or UP. */
    public Status status(String node) {
        requireNode(node);
        long pid = pid(node);
        if (pid < 0) {
            return BROKER.equals(node) && brokerStarting.containsKey(BROKER) ? Status.STARTING : Status.DOWN;
        }
        if (isStopped(pid)) {
            return Status.FROZEN;
        }
        if (BROKER.equals(node)) {
            return brokerStarting.containsKey(BROKER) ? Status.STARTING : Status.UP;
        }
        return isReady(node) ? Status.UP : Status.STARTING;
    }

    /** True when the service answers 200 on /health/ready within 500 ms. */
    public boolean isReady(String service) {
        requireService(service);
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url(service) + "/health/ready"))
                    .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the service is ready; throws with the tail of its log if it dies or the timeout passes. */
    public void awaitReady(String service, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process p = processes.get(service);
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(service + " exited (code " + (p == null ? "?" : p.exitValue())
                        + "); " + logFile(service) + " ends with:\n" + tail(logFile(service), 30));
            }
            if (isReady(service)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service + " not ready within " + timeout + "; " + logFile(service)
                        + " ends with:\n" + tail(logFile(service), 30));
            }
            sleep(100);
        }
    }

    /** The process id of a node, or -1 when it does not run. */
    @Override
    public long pid(String node) {
        requireNode(node);
        if (BROKER.equals(node)) {
            return brokerPid();
        }
        Process p = processes.get(node);
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** {@code http://127.0.0.1:<port>} of a service. */
    @Override
    public String url(String service) {
        requireService(service);
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** The gateway's URL: the storefront and the HTTP API. */
    @Override
    public String gatewayUrl() {
        return url("gateway");
    }

    /** The port of a service or of the broker. */
    @Override
    public int port(String node) {
        requireNode(node);
        return BROKER.equals(node) ? broker.port() : ports.get(node);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** What the services bootstrap from: the broker's fault proxy link with chaos, else the broker. */
    public String kafkaBootstrap() {
        return brokerProxyPort > 0 ? "127.0.0.1:" + brokerProxyPort : broker.bootstrapServers();
    }

    @Override
    public int brokerProxyPort() {
        return brokerProxyPort > 0 ? brokerProxyPort : -1;
    }

    @Override
    public void brokerLink(LinkFaults faults) {
        FaultProxy p = brokerProxy;
        if (p == null) {
            throw new UnsupportedOperationException("Kafka does not go through the fault proxy in this shop; start it with --chaos");
        }
        p.faults(BROKER, faults);
        log.info("broker link faults: {}", faults.none() ? "none" : faults.toMap());
    }

    /** The faults on the proxy link in front of the broker (none without chaos). */
    public LinkFaults brokerLinkFaults() {
        FaultProxy p = brokerProxy;
        return p == null ? LinkFaults.NONE : p.link(BROKER).map(l -> l.faults()).orElse(LinkFaults.NONE);
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The {@code Authorization} header for the launcher's control API of the shop in {@code dataDir}
     * (the admin token from {@code <dataDir>/admin-token}, which the launcher creates at start).
     */
    public static String controlAuthorization(Path dataDir) {
        return "Bearer " + AdminToken.read(dataDir.resolve("admin-token")).value();
    }

    /** The admin token file ({@code <dataDir>/admin-token}): the services' admin API and the console require it. */
    public Path adminTokenFile() {
        return dataDir.resolve("admin-token");
    }

    /** The Java executable and the classpath the children run with (the console process uses the same). */
    String javaExecutable() {
        return javaExecutable;
    }

    String classpath() {
        return classpath;
    }

    /** Where a node's stdout and stderr go (appended across restarts). */
    public Path logFile(String node) {
        requireNode(node);
        return BROKER.equals(node) ? broker.logFile() : dataDir.resolve(node).resolve("service.log");
    }

    /** Stops every node (services first, then the broker), thawing frozen ones first. Idempotent. */
    public void stop() {
        stopLock.lock();
        try {
            stopAll();
        } finally {
            stopLock.unlock();
        }
    }

    private void stopAll() {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Process p : processes.values()) {
            if (p.isAlive()) {
                thawQuietly(p.pid());
                p.toHandle().destroy(); // SIGTERM without closing the stdin pipe (that would trip the watchdog mid-shutdown)
            }
        }
        for (Process p : processes.values()) {
            if (!waitFor(p, Duration.ofSeconds(10))) {
                p.destroyForcibly();
                waitFor(p, Duration.ofSeconds(5));
            }
        }
        thawQuietly(brokerPid());
        broker.stop();
        FaultProxy p = brokerProxy;
        if (p != null) {
            p.close();
        }
        stateFile.delete();
        removeShutdownHook();
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------------------------------

    private void launch(String service) {
        Path dir = dataDir.resolve(service);
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(command(service));
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(service).toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.PIPE); // never written: end-of-file tells the child we are gone
            Process p = pb.start();
            processes.put(service, p);
            log.info("started {} pid {} on port {}", service, p.pid(), ports.get(service));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service + ": " + e.getMessage(), e);
        }
    }

    void writeState() {
        if (stopped) {
            return;
        }
        Map<String, ShopState.Node> nodes = new LinkedHashMap<>();
        for (String s : SERVICES) {
            nodes.put(s, new ShopState.Node(pid(s), ports.get(s), url(s)));
        }
        nodes.put(BROKER, new ShopState.Node(brokerPid(), broker.port(), broker.bootstrapServers()));
        stateFile.write(ProcessHandle.current().pid(), controlPort, nodes, brokerProxyPort);
    }

    private volatile int controlPort;

    /** Set by the launcher so {@code ./sinew shop start <node>} from another terminal can reach it. */
    void controlPort(int port) {
        this.controlPort = port;
        writeState();
    }

    private void cleanUpLeftovers() {
        Optional<ShopState.Snapshot> old = stateFile.read();
        if (old.isEmpty()) {
            return;
        }
        long launcher = old.get().launcherPid();
        if (launcher != ProcessHandle.current().pid() && ProcessHandle.of(launcher).map(ProcessHandle::isAlive).orElse(false)
                && ProcessHandle.of(launcher).flatMap(h -> h.info().commandLine()).orElse("").contains("dev.sinew.shop")) {
            throw new IllegalStateException("a shop launcher already runs on " + dataDir + " (pid " + launcher
                    + "); stop it with Ctrl-C there, or `kill " + launcher + "`");
        }
        for (Map.Entry<String, ShopState.Node> e : old.get().nodes().entrySet()) {
            long pid = e.getValue().pid();
            if (pid <= 0) {
                continue;
            }
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(h -> {
                String cmd = h.info().commandLine().orElse("");
                if (cmd.contains(SERVICE_MAIN) || cmd.contains("KafkaBrokerMain")) {
                    log.warn("removing {} (pid {}) left behind by a previous launcher", e.getKey(), pid);
                    thawQuietly(pid);
                    h.destroyForcibly();
                    try {
                        h.onExit().get(10, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // reported by the port check if it still holds its port
                    }
                }
            });
        }
        stateFile.delete();
    }

    private void checkPortsFree() {
        List<String> busy = new ArrayList<>();
        Map<String, Integer> wanted = new LinkedHashMap<>();
        NODES.forEach(n -> wanted.put(n, port(n)));
        if (brokerProxyPort > 0) {
            wanted.put("broker proxy", brokerProxyPort);
        }
        wanted.forEach((node, port) -> {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                busy.add(node + " " + port);
            }
        });
        if (!busy.isEmpty()) {
            throw new IllegalStateException("ports in use: " + String.join(", ", busy)
                    + " (another shop running? `./sinew shop --base-port 9080 --broker-port 29092` picks others)");
        }
    }

    private long brokerPid() {
        try {
            return broker.isAlive() ? broker.pid() : -1;
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    private long pidOrThrow(String node) {
        long pid = pid(node);
        if (pid < 0) {
            throw new IllegalStateException(node + " is not running");
        }
        return pid;
    }

    private void installShutdownHook() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::stop, "sinew-shop-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    /** SIGSTOP / SIGCONT / SIGKILL by pid through kill(1): the JDK only sends SIGTERM and SIGKILL. */
    static void signal(long pid, String signal) {
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (k.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void thawQuietly(long pid) {
        if (pid > 0 && isStopped(pid)) {
            try {
                signal(pid, "CONT");
            } catch (RuntimeException ignored) {
                // gone meanwhile
            }
        }
    }

    /** True when the process is stopped by a signal (state T in /proc/<pid>/stat). */
    public static boolean isStopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && stat.length() > close + 2 && (stat.charAt(close + 2) == 'T' || stat.charAt(close + 2) == 't');
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }


    private static void requireService(String service) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("unknown service '" + service + "'; expected one of " + SERVICES);
        }
    }

    private static void requireNode(String node) {
        if (!NODES.contains(node)) {
            throw new IllegalArgumentException("unknown node '" + node + "'; expected one of " + NODES);
        }
    }

    /** Shop settings; defaults: free ports, the current JVM's classpath and java, -Xmx128m per service. */
    public static final class Builder {
        private Path dataDir = Path.of("data");
        private int basePort;
        private int brokerPort;
        private String classpath;
        private String javaExecutable;
        private String brokerHeap = "384m";
        private List<String> jvmArgs = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        private Duration readyTimeout = Duration.ofSeconds(180);
        private boolean chaos;
        private boolean naive;
        private final Map<String, String> jdbcUrls = new LinkedHashMap<>();
        private String jdbcUser;

        private Builder() {
        }

        /**
         * Runs {@code service} on the database at {@code jdbcUrl} (e.g. PostgreSQL) instead of its H2 file
         * (the service gets {@code --jdbc-url}); the database must exist. Services without one keep H2.
         */
        public Builder jdbcUrl(String service, String jdbcUrl) {
            requireService(service);
            this.jdbcUrls.put(service, Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
            return this;
        }

        /** The user for every {@link #jdbcUrl} database (the service gets {@code --jdbc-user}); default none. */
        public Builder jdbcUser(String user) {
            this.jdbcUser = user;
            return this;
        }

        /** Start every service with {@code --naive}: no timeouts, unbudgeted retries, no breakers (default off). */
        public Builder naive(boolean naive) {
            this.naive = naive;
            return this;
        }

        /** Start every service with {@code --chaos}: fault policies on its pipelines and {@code /admin/faults} (default off). */
        public Builder chaos(boolean chaos) {
            this.chaos = chaos;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Services listen on basePort + index ({@link #SERVICES} order); 0 (default) picks free ports. */
        public Builder basePort(int basePort) {
            this.basePort = basePort;
            return this;
        }

        /** The broker's port (its controller uses port + 1); 0 (default) picks free ports. */
        public Builder brokerPort(int brokerPort) {
            this.brokerPort = brokerPort;
            return this;
        }

        /** The children's classpath (the shop module and all its dependencies). Default: this JVM's. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        public Builder javaExecutable(String javaExecutable) {
            this.javaExecutable = javaExecutable;
            return this;
        }

        /**
         * JVM options of each service process; default {@code -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
         * (serial GC and C1 only: eight JVMs share two cores; about half the start-up CPU).
         */
        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs = List.copyOf(jvmArgs);
            return this;
        }

        /** The broker's -Xmx (default 384m). */
        public Builder brokerHeap(String heap) {
            this.brokerHeap = Objects.requireNonNull(heap, "heap");
            return this;
        }

        /** How long a node may take to become ready (default 180 s: the broker's first start on a busy 2-core machine took over 60 s). */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
            return this;
        }

        public Shop build() {
            return new Shop(this);
        }
    }
}
