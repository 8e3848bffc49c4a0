package dev.sinew.console.control;

import java.util.List;
import java.util.Objects;

/**
 * A named degradation the operator can flip, e.g. "recommendations-off": which pipelines of which
 * services it switches off, and what users get meanwhile.
 */
public record DegradationSwitch(String name, String description, List<Edge> pipelines) {

    /** One pipeline of one service. */
    public record Edge(String service, String pipeline) {
    }

    public DegradationSwitch {
        Objects.requireNonNull(name, "name");
        pipelines = List.copyOf(pipelines);
        if (pipelines.isEmpty()) {
            throw new IllegalArgumentException("switch " + name + ": at least one pipeline expected");
        }
    }
}
