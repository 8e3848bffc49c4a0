package dev.sinew.shop.launcher;

import dev.sinew.chaos.proxy.LinkFaults;
import java.nio.file.Path;

/**
 * The nodes of a running shop as a game day sees them: where they are, and the four ways to break
 * and repair one. {@link Shop} is one (a shop this process started); {@link RemoteShop} is another
 * (a shop started by {@code ./sinew shop} in another terminal, reached through its launcher).
 */
public interface ShopNodes {

    /** {@code http://127.0.0.1:<port>} of a service. */
    String url(String service);

    /** The gateway's URL. */
    default String gatewayUrl() {
        return url("gateway");
    }

    /** The port of a service or of the broker. */
    int port(String node);

    /** The process id of a node, or -1 when it does not run. */
    long pid(String node);

    /** True when the node's process is stopped by SIGSTOP. */
    default boolean frozen(String node) {
        long pid = pid(node);
        return pid > 0 && Shop.isStopped(pid);
    }

    /** SIGKILL; the node stays down until {@link #startNode}. */
    void kill(String node);

    /** Starts a node that does not run with its usual arguments; returns when it is ready. */
    void startNode(String node);

    /** SIGSTOP. */
    void freeze(String node);

    /** SIGCONT. */
    void thaw(String node);

    /** Where the nodes' databases live (for the audit). */
    Path dataDir();

    /**
     * The port of the TCP fault proxy every Kafka connection of the services goes through (the broker
     * advertises it), or -1 when the services talk to the broker directly (a shop without {@code --chaos}).
     */
    default int brokerProxyPort() {
        return -1;
    }

    /** Replaces the faults of the proxy link in front of the broker ({@link LinkFaults#NONE} clears them). */
    default void brokerLink(LinkFaults faults) {
        throw new UnsupportedOperationException("Kafka does not go through the fault proxy in this shop; start it with --chaos");
    }
}
