package dev.sinew.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The asynchronous rest of a pipeline as seen from one policy. The future completes with the
 * call's value, with a {@link Rejection} when an inner policy refused, or exceptionally with the
 * call's failure (never wrapped in a {@code CompletionException}).
 */
@FunctionalInterface
public interface AsyncStage {
    CompletableFuture<Object> call(Supplier<? extends CompletionStage<?>> call);
}
