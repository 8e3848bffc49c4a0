package dev.sinew.shop.gameday;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One Kafka {@code ApiVersions} request (the first thing every Kafka client sends) on a fresh TCP
 * connection: the game day's evidence that a fault on the broker's proxy link took effect, by asking
 * through the proxy and directly and comparing. Any complete answer counts (even an error code): the
 * question is whether the broker's bytes come back, and how fast.
 */
final class BrokerProbe {

    /** What one probe saw. */
    record Result(Kind kind, long millis, String detail) {
        enum Kind { ANSWERED, NO_ANSWER, FAILED }

        boolean answered() {
            return kind == Kind.ANSWERED;
        }

        String describe() {
            return switch (kind) {
                case ANSWERED -> "answered in " + millis + " ms";
                case NO_ANSWER -> "no answer within " + millis + " ms";
                case FAILED -> "failed after " + millis + " ms (" + detail + ")";
            };
        }
    }

    private BrokerProbe() {
    }

    /** Sends ApiVersions v0 to {@code 127.0.0.1:port} and waits at most {@code timeout} for the whole answer. */
    static Result apiVersions(int port, Duration timeout) {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            s.setSoTimeout((int) Math.max(1, timeout.toMillis() - elapsed(t0)));
            byte[] clientId = "sinew-gameday-probe".getBytes(StandardCharsets.US_ASCII);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(2 + 2 + 4 + 2 + clientId.length); // request size
            out.writeShort(18); // api key: ApiVersions
            out.writeShort(0); // api version 0: every broker answers it
            out.writeInt(7); // correlation id
            out.writeShort(clientId.length);
            out.write(clientId);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            if (size < 4 || size > (1 << 20)) {
                return new Result(Result.Kind.FAILED, elapsed(t0), "answer of " + size + " bytes is not Kafka's");
            }
            in.readFully(new byte[size]);
            return new Result(Result.Kind.ANSWERED, elapsed(t0), null);
        } catch (SocketTimeoutException e) {
            return new Result(Result.Kind.NO_ANSWER, timeout.toMillis(), null);
        } catch (IOException e) {
            String m = e.getMessage();
            return new Result(Result.Kind.FAILED, elapsed(t0), e instanceof java.io.EOFException ? "closed"
                    : m == null ? e.getClass().getSimpleName() : m);
        }
    }

    private static long elapsed(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
