package dev.sinew.chaos.proxy;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** One proxied TCP connection: the client's socket and the upstream socket. Closes both once. */
final class Connection {

    final Socket client;
    final Socket upstream;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger openDirections = new AtomicInteger(2);
    /** A blackhole swallowed bytes of this connection: its streams have a gap and can never be used again. */
    private volatile boolean dropped;
    private final Runnable onClose;

    Connection(Socket client, Socket upstream, Runnable onClose) {
        this.client = client;
        this.upstream = upstream;
        this.onClose = onClose;
    }

    /** One direction ended; the connection closes when both have. */
    void directionDone() {
        if (openDirections.decrementAndGet() == 0) {
            close();
        }
    }

    /** Closes both sides normally (FIN). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            quietly(client);
            quietly(upstream);
            onClose.run();
        }
    }

    /** Closes the client side with a TCP reset (SO_LINGER 0), and the upstream side normally. */
    void reset() {
        if (closed.compareAndSet(false, true)) {
            try {
                client.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed: nothing to reset
            }
            quietly(client);
            quietly(upstream);
            onClose.run();
        }
    }

    /** Called by a pump that dropped a chunk (blackhole). */
    void markDropped() {
        dropped = true;
    }

    boolean dropped() {
        return dropped;
    }

    boolean isClosed() {
        return closed.get();
    }

    private static void quietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
