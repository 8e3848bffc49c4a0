package dev.sinew.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Helpers that asynchronous policies share: starting a call and unwrapping its failure. */
public final class Async {

    private Async() {
    }

    /**
     * Starts the user's async call; a synchronous throw or a null stage becomes a failed future.
     * Cancelling the returned future (as a timeout does) also cancels the user's stage when it is
     * a {@link Future}, so the abandoned work can stop.
     */
    public static CompletableFuture<Object> start(Supplier<? extends CompletionStage<?>> call) {
        CompletionStage<?> stage;
        try {
            stage = call.get();
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
        if (stage == null) {
            return CompletableFuture.failedFuture(new NullPointerException("the async call returned no CompletionStage"));
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(unwrap(e));
            } else {
                f.complete(v);
            }
        });
        if (stage instanceof Future<?> source) {
            f.whenComplete((v, e) -> {
                if (f.isCancelled()) {
                    source.cancel(true);
                }
            });
        }
        return f;
    }

    /** The real cause behind a {@link CompletionException} or {@link ExecutionException}. */
    public static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
