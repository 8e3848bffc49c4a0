package dev.sinew.chaos.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private EchoServer echo;
    private FaultProxy proxy;
    private Link link;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start(List.of(LinkConfig.of("echo", "127.0.0.1", echo.port())));
        link = proxy.link("echo").orElseThrow();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", link.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static byte[] roundTrip(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        s.getOutputStream().flush();
        return s.getInputStream().readNBytes(data.length);
    }

    private static long roundTripMillis(Socket s, String text) throws IOException {
        long t0 = System.nanoTime();
        byte[] back = roundTrip(s, text.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo(text);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void forwardsBothWaysWithoutFaults() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTripMillis(s, "hello")).isLessThan(1_000);
            assertThat(link.openConnections()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> link.openConnections() == 0);
    }

    @Test
    void latencyIsAddedInEachDirectionAndClearingRemovesIt() throws IOException {
        try (Socket s = connect()) {
            long base = roundTripMillis(s, "warm-up");
            link.faults(new LinkFaults(300, 50, 0, false, false, 0, false));
            assertThat(roundTripMillis(s, "slow")).isBetween(600L, 600L + 100 + base + 1_000);
            link.clear();
            assertThat(roundTripMillis(s, "fast")).isLessThan(300);
        }
    }

    @Test
    void bandwidthLimitsThroughput() throws IOException {
        byte[] data = new byte[20_000];
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(roundTrip(s, data)).hasSize(data.length);
            long unlimited = (System.nanoTime() - t0) / 1_000_000;
            link.faults(new LinkFaults(0, 0, 40_000, false, false, 0, false)); // 20 kB at 40 kB/s: >= 0.5 s
            t0 = System.nanoTime();
            assertThat(roundTrip(s, data)).hasSize(data.length);
            long limited = (System.nanoTime() - t0) / 1_000_000;
            assertThat(limited).isGreaterThanOrEqualTo(450).isGreaterThan(unlimited * 3);
        }
    }

    @Test
    void blackholeAcceptsButNeverAnswers() throws IOException {
        try (Socket idle = connect()) {
            roundTripMillis(idle, "before");
            link.faults(new LinkFaults(0, 0, 0, true, false, 0, false));
            try (Socket s = connect()) {
                s.setSoTimeout(500);
                s.getOutputStream().write("anyone?".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                link.clear();
                // its bytes were swallowed: the stream has a gap, so the end of the blackhole resets it
                s.setSoTimeout(5_000);
                assertThatThrownBy(() -> readUntilFailure(s)).isInstanceOf(SocketException.class)
                        .hasMessageContaining("reset");
            }
            // a connection that lost nothing goes on, and new ones work
            assertThat(roundTripMillis(idle, "still here")).isLessThan(1_000);
        }
        try (Socket fresh = connect()) {
            assertThat(roundTripMillis(fresh, "back")).isLessThan(1_000);
        }
    }

    @Test
    void resetCutsOpenConnectionsAndNewOnesWithAnRst() throws IOException {
        try (Socket open = connect()) {
            roundTripMillis(open, "before");
            link.faults(new LinkFaults(0, 0, 0, false, true, 0, false));
            assertThatThrownBy(() -> readUntilFailure(open)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        try (Socket fresh = connect()) {
            assertThatThrownBy(() -> readUntilFailure(fresh)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        link.clear();
        try (Socket again = connect()) {
            assertThat(roundTripMillis(again, "after")).isLessThan(1_000);
        }
    }

    /** Reads (and writes, to provoke the RST) until the socket fails; end of stream is not a reset. */
    private static void readUntilFailure(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        for (int i = 0; i < 50; i++) {
            s.getOutputStream().write('x');
            if (in.read() < 0) {
                throw new AssertionError("orderly close instead of a reset");
            }
        }
    }

    /** True when the socket reaches end of stream or fails within two seconds. */
    private static boolean ends(Socket s) throws IOException {
        s.setSoTimeout(2_000);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void slowCloseDelaysTheEndOfTheStream() throws IOException {
        link.faults(new LinkFaults(0, 0, 0, false, false, 400, false));
        try (Socket s = connect()) {
            roundTripMillis(s, "bye");
            long t0 = System.nanoTime();
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void downRefusesNewConnectionsCutsOpenOnesAndComesBackOnTheSamePort() throws IOException {
        int port = link.port();
        try (Socket open = connect()) {
            roundTripMillis(open, "up");
            link.faults(new LinkFaults(0, 0, 0, false, false, 0, true));
            assertThat(ends(open)).as("the open connection is cut").isTrue();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        link.clear();
        assertThat(link.port()).isEqualTo(port);
        try (Socket again = connect()) {
            assertThat(roundTripMillis(again, "back")).isLessThan(1_000);
        }
    }

    @Test
    void closeReleasesThePortAndConnections() throws IOException {
        Socket s = connect();
        roundTripMillis(s, "x");
        int port = link.port();
        proxy.close();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        s.close();
        // the port is free again: binding it works (a connect attempt could race with other processes)
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1")).close();
        assertThat(link.openConnections()).isZero();
    }
}
