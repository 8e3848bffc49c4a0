package dev.sinew.retry;

import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A test policy that refuses every call, like an open breaker. */
final class Refuse extends AbstractPolicy {

    final AtomicInteger refused = new AtomicInteger();
    private Rejection rejection;

    Refuse() {
        super("refuse");
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        rejection = new Rejection(RejectionKind.CIRCUIT_OPEN, ctx.pipeline(), name(), "test");
    }

    @Override
    public Object execute(Stage next, Callable<?> call) {
        refused.incrementAndGet();
        return rejection;
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        refused.incrementAndGet();
        return CompletableFuture.completedFuture(rejection);
    }
}
