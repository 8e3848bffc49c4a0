package dev.sinew.chaos.fault;

import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Stage;
import dev.sinew.retry.RandomSource;
import dev.sinew.time.Clock;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Answers with what {@code result} gives instead of calling: a downstream that replies, but wrongly
 * (an error status, an empty body). Whether it counts as a failure is up to the pipeline's classifier.
 */
public record BadResult(double rate, Supplier<?> result) implements FaultSpec {

    public BadResult {
        FaultSpec.checkRate(rate);
        Objects.requireNonNull(result, "result supplier");
    }

    @Override
    public Object apply(Stage next, Callable<?> call, Clock clock, RandomSource random) {
        return result.get();
    }

    @Override
    public CompletableFuture<Object> applyAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call,
                                                Clock clock, RandomSource random) {
        return CompletableFuture.completedFuture(result.get());
    }
}
