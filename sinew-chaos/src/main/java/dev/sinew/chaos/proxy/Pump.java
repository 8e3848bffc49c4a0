package dev.sinew.chaos.proxy;

import dev.sinew.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Copies one direction of a {@link Connection}, applying the link's faults as they are at each
 * chunk: latency and jitter before forwarding, a bandwidth limit by pacing, blackhole by dropping,
 * slow close by waiting before passing the end of the stream on.
 */
final class Pump implements Runnable {

    private static final int BUFFER = 16 * 1024;

    private final Connection connection;
    private final Socket from;
    private final Socket to;
    private final Supplier<LinkFaults> faults;
    private final Clock clock;

    Pump(Connection connection, Socket from, Socket to, Supplier<LinkFaults> faults, Clock clock) {
        this.connection = connection;
        this.from = from;
        this.to = to;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public void run() {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                forward(buf, n, out);
            }
            long slow = faults.get().slowCloseMs();
            if (slow > 0) {
                clock.sleepNanos(slow * 1_000_000L);
            }
            to.shutdownOutput();
            connection.directionDone();
        } catch (IOException e) {
            connection.close(); // one side failed or was cut: end both
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close();
        }
    }

    private void forward(byte[] buf, int n, OutputStream out) throws IOException, InterruptedException {
        LinkFaults f = faults.get();
        if (f.blackhole()) {
            connection.markDropped();
            return;
        }
        long delay = f.latencyMs() + (f.jitterMs() > 0 ? ThreadLocalRandom.current().nextLong(f.jitterMs() + 1) : 0);
        if (delay > 0) {
            clock.sleepNanos(delay * 1_000_000L);
        }
        if (f.bandwidth() <= 0) {
            out.write(buf, 0, n);
            out.flush();
            return;
        }
        int slice = (int) Math.max(1, Math.min(n, f.bandwidth() / 20)); // about 20 writes a second
        for (int off = 0; off < n; off += slice) {
            int len = Math.min(slice, n - off);
            out.write(buf, off, len);
            out.flush();
            clock.sleepNanos(len * 1_000_000_000L / f.bandwidth());
        }
    }
}
