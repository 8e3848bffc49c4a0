package dev.sinew.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreFreeAndBelowTheEphemeralRange() throws Exception {
        int start = FreePorts.ephemeralStart();
        assertThat(start).isBetween(1_024, 65_535);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            int port = FreePorts.next();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            assertThat(port).as("below the ephemeral range starting at %d", start).isBetween(10_000, start - 1);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
