package dev.sinew.chaos.proxy;

import dev.sinew.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that injects network faults between services: each {@link Link} listens on its own
 * port and forwards to one upstream. Two threads per open connection come from one bounded pool;
 * beyond it new connections are closed at once. {@link #close} closes every socket and thread.
 */
public final class FaultProxy implements AutoCloseable {

    /** Default bound on pump threads: two per connection. */
    public static final int DEFAULT_MAX_THREADS = 512;

    private final ThreadPoolExecutor pumps;
    private final Clock clock;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    private FaultProxy(int maxThreads, Clock clock) {
        AtomicInteger n = new AtomicInteger();
        this.pumps = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "sinew-proxy-pump-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.clock = clock;
    }

    /** A proxy with the given links opened. */
    public static FaultProxy start(List<LinkConfig> links) throws IOException {
        return start(links, DEFAULT_MAX_THREADS, Clock.system());
    }

    /** A proxy with the given links, pump thread bound and clock (for the waits of latency faults). */
    public static FaultProxy start(List<LinkConfig> links, int maxThreads, Clock clock) throws IOException {
        FaultProxy p = new FaultProxy(maxThreads, clock);
        try {
            for (LinkConfig l : links) {
                p.add(l);
            }
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Opens a new link; its name must be new. */
    public Link add(LinkConfig config) throws IOException {
        Link link = new Link(config, pumps, clock);
        if (links.putIfAbsent(config.name(), link) != null) {
            throw new IllegalArgumentException("link '" + config.name() + "' exists already");
        }
        try {
            link.start();
        } catch (IOException e) {
            links.remove(config.name());
            throw e;
        }
        return link;
    }

    /** The link named {@code name}. */
    public Optional<Link> link(String name) {
        return Optional.ofNullable(links.get(name));
    }

    /** Every link. */
    public Collection<Link> links() {
        return List.copyOf(links.values());
    }

    /** Switches the faults of {@code name}. */
    public void faults(String name, LinkFaults faults) {
        Link l = link(name).orElseThrow(() -> new IllegalArgumentException("no link named '" + name + "'"));
        try {
            l.faults(faults);
        } catch (IOException e) {
            throw new UncheckedIOException("link '" + name + "' could not reopen its port", e);
        }
    }

    /** Clears the faults of every link; the rollback of an experiment. */
    public void clearAll() {
        links.keySet().forEach(n -> faults(n, LinkFaults.NONE));
    }

    @Override
    public void close() {
        links.values().forEach(Link::stop);
        pumps.shutdownNow();
    }
}
