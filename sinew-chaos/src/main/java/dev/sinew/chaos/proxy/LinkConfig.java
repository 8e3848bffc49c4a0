package dev.sinew.chaos.proxy;

import java.util.Objects;

/**
 * One link of a {@link FaultProxy}: where it listens, where it forwards, and its starting faults.
 * Port 0 lets the system pick a free port, which the link then keeps for its whole life.
 */
public record LinkConfig(String name, String listenHost, int listenPort, String upstreamHost, int upstreamPort,
                         LinkFaults faults) {

    public LinkConfig {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("link name must be non-blank and contain no '/': " + name);
        }
        Objects.requireNonNull(listenHost, "listen host");
        Objects.requireNonNull(upstreamHost, "upstream host");
        if (listenPort < 0 || listenPort > 65535 || upstreamPort < 1 || upstreamPort > 65535) {
            throw new IllegalArgumentException("link '" + name + "': ports must be 0-65535 (listen) and 1-65535 (upstream)");
        }
        faults = faults == null ? LinkFaults.NONE : faults;
    }

    /** A link listening on a free loopback port, forwarding to {@code host:port}, without faults. */
    public static LinkConfig of(String name, String upstreamHost, int upstreamPort) {
        return new LinkConfig(name, "127.0.0.1", 0, upstreamHost, upstreamPort, LinkFaults.NONE);
    }
}
