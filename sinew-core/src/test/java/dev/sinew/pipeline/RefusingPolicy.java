package dev.sinew.pipeline;

import dev.sinew.event.RejectionKind;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A test policy that refuses every call while {@link #refusing} is set, like an open breaker or a full bulkhead. */
public final class RefusingPolicy extends AbstractPolicy {

    /** Calls refused so far. */
    public final AtomicInteger refused = new AtomicInteger();
    /** Whether calls are refused (true) or passed on (false). */
    public volatile boolean refusing = true;
    private final RejectionKind kind;
    private Rejection rejection;

    public RefusingPolicy(String name, RejectionKind kind) {
        super(name);
        this.kind = kind;
    }

    /** Refuses as an open breaker would, under the name "refuse". */
    public RefusingPolicy() {
        this("refuse", RejectionKind.CIRCUIT_OPEN);
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        rejection = new Rejection(kind, ctx.pipeline(), name(), "refused by test policy");
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        if (!refusing) {
            return next.call(call);
        }
        refused.incrementAndGet();
        return rejection;
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        if (!refusing) {
            return next.call(call);
        }
        refused.incrementAndGet();
        return CompletableFuture.completedFuture(rejection);
    }
}
