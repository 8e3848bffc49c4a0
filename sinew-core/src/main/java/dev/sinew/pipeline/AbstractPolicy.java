package dev.sinew.pipeline;

import dev.sinew.event.Events;
import dev.sinew.time.Clock;
import java.util.Objects;

/**
 * Name and pipeline binding shared by the built-in policies: a policy joins exactly one pipeline
 * and learns its name, clock, listener slot and default classifier from it.
 */
public abstract class AbstractPolicy implements Policy {

    private final String name;
    private volatile PolicyContext context;

    protected AbstractPolicy(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("policy name must not be blank");
        }
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final synchronized void attach(PolicyContext ctx) {
        Objects.requireNonNull(ctx, "context");
        if (context != null && !context.pipeline().equals(ctx.pipeline())) {
            throw new IllegalStateException("policy '" + name + "' already belongs to pipeline '"
                    + context.pipeline() + "'; create one policy instance per pipeline");
        }
        context = ctx;
        onAttach(ctx);
    }

    /** Called once the pipeline is known: create preallocated rejections here. */
    protected abstract void onAttach(PolicyContext ctx);

    /** The pipeline context; throws if the policy is used before joining a pipeline. */
    protected final PolicyContext context() {
        PolicyContext c = context;
        if (c == null) {
            throw new IllegalStateException("policy '" + name + "' is not part of a pipeline yet");
        }
        return c;
    }

    /** True once attached to a pipeline. */
    protected final boolean attached() {
        return context != null;
    }

    protected final String pipelineName() {
        return context().pipeline();
    }

    protected final Clock clock() {
        return context().clock();
    }

    protected final Events events() {
        return context().events();
    }

    @Override
    public String toString() {
        PolicyContext c = context;
        return getClass().getSimpleName() + "[" + (c == null ? "" : c.pipeline() + "/") + name + "]";
    }
}
