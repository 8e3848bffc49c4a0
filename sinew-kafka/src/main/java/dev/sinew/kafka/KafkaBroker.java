package dev.sinew.kafka;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running as a child
 * process, started from the Maven Central jars ({@code org.apache.kafka:kafka_2.13}) — no Docker,
 * no installation. It is the embedded default of the shop launcher and what the tests start, stop
 * and kill: a separate process, so a {@link #kill()} is as real as a crashed broker.
 *
 * <p>The child runs {@code java -Xmx512m -cp <classpath> dev.sinew.kafka.KafkaBrokerMain server.properties}.
 * The classpath defaults to this JVM's {@code java.class.path}, which holds the broker jars when the
 * application depends on {@code kafka_2.13} (an optional dependency of sinew-kafka: declare it, plus
 * an SLF4J binding such as slf4j-simple for the broker's log). Storage is formatted on the first
 * start ({@code kafka.tools.StorageTool format --standalone}); later starts reuse the data directory,
 * so messages survive {@link #restart()} and even {@link #kill()}. The broker's output goes to
 * {@code broker.log} in the data directory.
 *
 * <p>No orphans: a shutdown hook kills the child when this JVM exits, and the child exits by itself
 * when this JVM dies without running hooks ({@code kill -9}), because its standard input (a pipe
 * from this JVM) reaches end-of-file. Ports are picked once, when the broker is built, and kept
 * across restarts so clients reconnect to the same address.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final int LOG_TAIL_LINES = 40;

    private final Path dataDir;
    private final int port;
    private final int advertisedPort;
    private final int controllerPort;
    private final String maxHeap;
    private final String classpath;
    private final String javaExecutable;
    private final int partitions;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final Map<String, String> extraProperties;
    private final List<String> jvmArgs;

    // start/stop/kill hold the lock (a ReentrantLock, not synchronized: start blocks for seconds);
    // readers see the process through the volatile field without waiting
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private volatile Process process;
    private Thread shutdownHook;

    private KafkaBroker(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath();
        this.port = b.port != 0 ? b.port : FreePorts.next();
        int cp = b.controllerPort != 0 ? b.controllerPort : FreePorts.next();
        while (cp == this.port) {
            cp = FreePorts.next();
        }
        this.controllerPort = cp;
        this.advertisedPort = b.advertisedPort != 0 ? b.advertisedPort : this.port;
        this.maxHeap = b.maxHeap;
        this.classpath = withOwnCodeLocation(b.classpath != null ? b.classpath : System.getProperty("java.class.path"));
        this.javaExecutable = b.javaExecutable != null ? b.javaExecutable
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.partitions = b.partitions;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.extraProperties = Map.copyOf(b.extraProperties);
        this.jvmArgs = List.copyOf(b.jvmArgs);
    }

    /** A builder with defaults: a new temporary data directory, free ports, -Xmx512m, 1 partition per topic. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats storage if this data directory has none yet, starts the broker process and returns
     * once it answers a metadata request. Throws {@link IllegalStateException} with the tail of
     * the broker log if the process dies or does not answer within the start timeout.
     */
    public KafkaBroker start() {
        lock.lock();
        try {
            if (isAlive()) {
                throw new IllegalStateException("Kafka broker already running (pid " + process.pid() + ") at " + bootstrapServers());
            }
            long startedAt = System.nanoTime();
            try {
                Files.createDirectories(dataDir);
                Path config = writeConfig();
                if (!Files.exists(logDir().resolve("meta.properties"))) {
                    format(config);
                }
                ProcessBuilder pb = new ProcessBuilder(command("dev.sinew.kafka.KafkaBrokerMain", config.toString()));
                pb.redirectErrorStream(true);
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
                pb.redirectInput(ProcessBuilder.Redirect.PIPE); // kept open: end-of-file tells the child we are gone
                process = pb.start();
                installShutdownHook();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start Kafka broker in " + dataDir + ": " + e.getMessage(), e);
            }
            awaitReady(startedAt);
            log.info("Kafka broker pid {} ready at {} in {} ms (data {})", process.pid(), bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), dataDir);
            return this;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the broker with SIGTERM (a clean, controlled shutdown) and waits for it; SIGKILL after the stop timeout. */
    public void stop() {
        lock.lock();
        try {
            Process p = process;
            if (p == null) {
                return;
            }
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.warn("Kafka broker pid {} did not stop within {}; killing it", p.pid(), stopTimeout);
                        p.destroyForcibly();
                        p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            closeQuietly(p);
            removeShutdownHook();
            process = null;
        } finally {
            lock.unlock();
        }
    }

    /** Kills the broker with SIGKILL, as a crash would, and waits until it is gone. The data directory stays. */
    public void kill() {
        lock.lock();
        try {
            Process p = process;
            if (p == null) {
                return;
            }
            p.toHandle().destroyForcibly();
            try {
                p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(p);
            removeShutdownHook();
            process = null;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the broker if it runs and starts it again on the same data directory and ports. */
    public KafkaBroker restart() {
        lock.lock();
        try {
            stop();
            return start();
        } finally {
            lock.unlock();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** {@code 127.0.0.1:<port>}, fixed for the life of this object (also across restarts). */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker process id; throws if the broker is not running. */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("Kafka broker is not running");
        }
        return p.pid();
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where the broker's stdout and stderr go (appended across restarts). */
    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    public int port() {
        return port;
    }

    /**
     * The client port the broker tells clients to use in its metadata: {@link #port()} unless the
     * builder set another (a TCP proxy in front of the broker, so that every client connection after
     * the bootstrap goes through it).
     */
    public int advertisedPort() {
        return advertisedPort;
    }

    /** The last lines of the broker log, for error messages. */
    public String logTail() {
        return tail(logFile(), LOG_TAIL_LINES);
    }

    // ------------------------------------------------------------------------------------------

    private Path logDir() {
        return dataDir.resolve("kafka-logs");
    }

    private Path writeConfig() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        String host = "127.0.0.1";
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + advertisedPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        p.put("num.partitions", Integer.toString(partitions));
        // a single node: every internal topic must have replication factor 1, or consumer groups hang forever
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // after a kill or a restart the old registration blocks the new one until its session expires
        // (default 9 s); a shorter session makes a restart on the same data directory seconds faster
        p.put("broker.heartbeat.interval.ms", "500");
        // room for the outbox's largest payload (1 MiB) plus key and headers; the transport allows 2 MiB requests
        p.put("message.max.bytes", Integer.toString(2 << 20));
        p.put("broker.session.timeout.ms", "4000");
        p.putAll(extraProperties);
        StringBuilder sb = new StringBuilder("# written by sinew KafkaBroker; rewritten on every start\n");
        p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path file = dataDir.resolve("server.properties");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private void format(Path config) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        ProcessBuilder pb = new ProcessBuilder(command("kafka.tools.StorageTool",
                "format", "-t", clusterId, "-c", config.toString(), "--standalone"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Formatting Kafka storage in " + logDir() + " took longer than "
                        + startTimeout + "; broker log " + logFile() + " ends with:\n" + logTail());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Formatting Kafka storage in " + logDir() + " failed (exit " + p.exitValue()
                    + "); is kafka_2.13 on the classpath? broker log " + logFile() + " ends with:\n" + logTail());
        }
    }

    private List<String> command(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.add("-Xmx" + maxHeap);
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        // system properties beat a simplelogger.properties that the shared classpath may carry
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void awaitReady(long startedAt) {
        long deadline = startedAt + startTimeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "sinew-broker-probe");
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    int exit = process.exitValue();
                    process = null;
                    removeShutdownHook();
                    throw new IllegalStateException("Kafka broker process exited with code " + exit
                            + " during start; broker log " + logFile() + " ends with:\n" + logTail());
                }
                try {
                    var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes()
                            .get(3, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    kill();
                    throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        long pid = process.pid();
        kill();
        throw new IllegalStateException("Kafka broker pid " + pid + " at " + bootstrapServers() + " did not answer within "
                + startTimeout + " (last error: " + last + "); broker log " + logFile() + " ends with:\n" + logTail());
    }

    private void installShutdownHook() {
        removeShutdownHook();
        Process p = process;
        Thread hook = new Thread(() -> {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }, "sinew-kafka-broker-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook runs anyway
            }
        }
    }

    private static void closeQuietly(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static String withOwnCodeLocation(String cp) {
        // KafkaBrokerMain must be on the child's classpath even when the caller supplies only the broker jars
        CodeSource source = KafkaBroker.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return cp;
        }
        try {
            String own = Path.of(source.getLocation().toURI()).toString();
            for (String entry : cp.split(File.pathSeparator)) {
                if (entry.equals(own)) {
                    return cp;
                }
            }
            return cp.isEmpty() ? own : cp + File.pathSeparator + own;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return cp;
        }
    }


    private static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log file " + file + ")";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            long from = Math.max(0, len - 16_384);
            raf.seek(from);
            byte[] buf = new byte[(int) (len - from)];
            raf.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            String[] all = text.split("\n");
            int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.asList(all).subList(start, all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings for a {@link KafkaBroker}; every setting has a default. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int advertisedPort;
        private int controllerPort;
        private String maxHeap = "512m";
        private String classpath;
        private String javaExecutable;
        private int partitions = 1;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();

        private Builder() {
        }

        /** Where storage, {@code server.properties} and {@code broker.log} live. Default: a new temporary directory. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "data-dir");
            return this;
        }

        /** The client (PLAINTEXT) port; 0 (default) picks a free port. */
        public Builder port(int port) {
            this.port = checkPort("port", port);
            return this;
        }

        /**
         * The client port advertised in metadata, when clients must reach the broker through a proxy
         * listening there and forwarding to {@link #port(int)}; 0 (default) advertises the port itself.
         * The proxy must accept connections before {@link #start()}: the start waits for a metadata
         * answer, which clients (the start's own probe too) then fetch through the advertised port.
         */
        public Builder advertisedPort(int port) {
            this.advertisedPort = checkPort("advertised-port", port);
            return this;
        }

        /** The KRaft controller port; 0 (default) picks a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort("controller-port", port);
            return this;
        }

        /** The child's -Xmx, e.g. {@code 512m} (default) or {@code 1g}. */
        public Builder maxHeap(String maxHeap) {
            if (maxHeap == null || !maxHeap.matches("\\d+[kKmMgG]?")) {
                throw new IllegalArgumentException("max-heap: " + maxHeap + " is not allowed; expected a JVM size such as 512m or 1g");
            }
            this.maxHeap = maxHeap;
            return this;
        }

        /** The child's classpath (must contain kafka_2.13 and its dependencies). Default: this JVM's java.class.path. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /** The java binary for the child. Default: the one running this JVM. */
        public Builder javaExecutable(String path) {
            this.javaExecutable = Objects.requireNonNull(path, "java-executable");
            return this;
        }

        /** {@code num.partitions} for auto-created topics (default 1). */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 1000) {
                throw new IllegalArgumentException("partitions: " + partitions + " is not allowed; expected an integer from 1 to 1000");
            }
            this.partitions = partitions;
            return this;
        }

        /** How long {@link KafkaBroker#start()} waits for the broker to answer (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive("start-timeout", timeout);
            return this;
        }

        /** How long {@link KafkaBroker#stop()} waits after SIGTERM before SIGKILL (default 30 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = positive("stop-timeout", timeout);
            return this;
        }

        /** An extra or overriding line of server.properties. */
        public Builder property(String key, String value) {
            extraProperties.put(Objects.requireNonNull(key, "property key"), Objects.requireNonNull(value, "property value"));
            return this;
        }

        /** An extra JVM argument for the broker child (e.g. a system property). */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg, "jvm-arg"));
            return this;
        }

        public KafkaBroker build() {
            if (dataDir == null) {
                try {
                    dataDir = Files.createTempDirectory("sinew-kafka-");
                } catch (IOException e) {
                    throw new IllegalStateException("data-dir: cannot create a temporary directory: " + e.getMessage(), e);
                }
            }
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("controller-port: " + controllerPort + " is not allowed; it must differ from port");
            }
            return new KafkaBroker(this);
        }

        private static int checkPort(String key, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(key + ": " + port + " is not allowed; expected 0 (pick a free port) or 1 to 65535");
            }
            return port;
        }

        private static Duration positive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + ": " + d + " is not allowed; expected a positive duration");
            }
            return d;
        }
    }
}
