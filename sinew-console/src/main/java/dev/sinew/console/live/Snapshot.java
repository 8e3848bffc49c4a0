package dev.sinew.console.live;

import java.util.List;

/** The live view of one scrape round: every service, every call edge, and the breaker transitions seen in it. */
public record Snapshot(long atMillis, List<ServiceView> services, List<EdgeView> edges,
                       List<BreakerTransition> transitions) {

    public Snapshot {
        services = List.copyOf(services);
        edges = List.copyOf(edges);
        transitions = List.copyOf(transitions);
    }

    public static Snapshot empty() {
        return new Snapshot(0, List.of(), List.of(), List.of());
    }
}
