package dev.sinew.chaos.proxy;

import dev.sinew.time.Clock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One named link of a {@link FaultProxy}: listens on a port and forwards each connection to the
 * upstream, under faults switched at runtime with {@link #faults(LinkFaults)}. While down the
 * listening socket is closed, so new connections are refused; it is reopened on the same port
 * when the link comes back.
 */
public final class Link {

    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final LinkConfig config;
    private final ExecutorService pumps;
    private final Clock clock;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile LinkFaults faults;
    private ServerSocket server;
    private Thread acceptor;
    private int port;
    private volatile boolean stopped;

    Link(LinkConfig config, ExecutorService pumps, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.pumps = pumps;
        this.clock = clock;
        this.faults = config.faults();
        this.port = config.listenPort();
    }

    /** Opens the listening socket (unless the link starts down). */
    synchronized void start() throws IOException {
        if (!faults.down()) {
            open();
        } else if (port == 0) {
            throw new IOException("link '" + name() + "' starts down but has no fixed listen port");
        }
    }

    public String name() {
        return config.name();
    }

    /** The port clients connect to. */
    public synchronized int port() {
        return port;
    }

    public String listenHost() {
        return config.listenHost();
    }

    public String upstream() {
        return config.upstreamHost() + ":" + config.upstreamPort();
    }

    /** The faults in force. */
    public LinkFaults faults() {
        return faults;
    }

    /** Number of connections open through this link. */
    public int openConnections() {
        return connections.size();
    }

    /** Switches to {@code next}; takes effect on open connections at their next chunk. */
    public synchronized void faults(LinkFaults next) throws IOException {
        Objects.requireNonNull(next, "faults");
        faults = next;
        if (stopped) {
            return;
        }
        if (next.down()) {
            closeServer();
            connections.forEach(Connection::close);
        } else if (server == null) {
            open();
        }
        if (next.reset()) {
            connections.forEach(Connection::reset);
        } else if (!next.blackhole()) {
            // the blackhole ended: a connection that lost bytes has a gap in its stream, and forwarding
            // after it would hand the peer garbage; reset it so both ends notice and reconnect at once
            // (a healed network partition would have delivered the bytes late instead of losing them)
            connections.stream().filter(Connection::dropped).forEach(Connection::reset);
        }
    }

    /** Clears every fault. */
    public void clear() throws IOException {
        faults(LinkFaults.NONE);
    }

    private void open() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(config.listenHost(), port), 128);
        port = s.getLocalPort();
        server = s;
        Thread t = new Thread(() -> acceptLoop(s), "sinew-proxy-accept-" + name());
        t.setDaemon(true);
        t.start();
        acceptor = t;
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed: link down or stopped
            }
            handle(client);
        }
    }

    private void handle(Socket client) {
        try {
            pumps.execute(() -> connect(client));
        } catch (RejectedExecutionException e) {
            new Connection(client, null, () -> { }).close(); // the proxy is at its thread limit or stopping
        }
    }

    /** On a pump thread: connects upstream, starts the other direction, then pumps this one. */
    private void connect(Socket client) {
        if (faults.reset()) {
            new Connection(client, null, () -> { }).reset();
            return;
        }
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(config.upstreamHost(), config.upstreamPort()), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            new Connection(client, upstream, () -> { }).close(); // upstream unreachable: so is the link
            return;
        }
        Connection[] self = new Connection[1];
        Connection c = new Connection(client, upstream, () -> connections.remove(self[0]));
        self[0] = c;
        connections.add(c);
        if (stopped) {
            c.close(); // stop() ran while we connected
            return;
        }
        try {
            pumps.execute(new Pump(c, upstream, client, () -> faults, clock));
        } catch (RejectedExecutionException e) {
            c.close();
            return;
        }
        new Pump(c, client, upstream, () -> faults, clock).run();
    }

    /**
     * Closes the listening socket and waits for the accept thread to leave: until it does, the JDK
     * defers the real close and the kernel keeps accepting connections on the port.
     */
    private void closeServer() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        server = null;
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acceptor = null;
    }

    /** Closes the listening socket and every connection. */
    synchronized void stop() {
        stopped = true;
        closeServer();
        connections.forEach(Connection::close);
    }

}
