package dev.sinew.console.admin;

import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An operator's switch on one pipeline: while off, every call is refused at once with
 * {@link RejectionKind#SWITCHED_OFF} (preallocated, nothing thrown on the way), so the caller's
 * own degradation answers (cached catalog, popular products) without waiting for the downstream.
 * One volatile read per call while on.
 */
public final class SwitchPolicy extends AbstractPolicy {

    /** The policy name in events and metrics ({@code policy="switch"}). */
    public static final String NAME = "switch";

    private volatile boolean off;
    private Rejection rejection;

    public SwitchPolicy() {
        super(NAME);
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        rejection = new Rejection(RejectionKind.SWITCHED_OFF, ctx.pipeline(), NAME,
                "switched off by an operator (console degradation switch)");
    }

    /** Turns the pipeline off (calls refused) or on again. Takes effect for the next call. */
    public void off(boolean off) {
        this.off = off;
    }

    public boolean isOff() {
        return off;
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        if (!off) {
            return next.call(call);
        }
        return refuse();
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        if (!off) {
            return next.call(call);
        }
        return CompletableFuture.completedFuture(refuse());
    }

    private Rejection refuse() {
        var events = events();
        if (events.active()) {
            events.listener().onRejected(pipelineName(), NAME, RejectionKind.SWITCHED_OFF);
        }
        return rejection;
    }
}
