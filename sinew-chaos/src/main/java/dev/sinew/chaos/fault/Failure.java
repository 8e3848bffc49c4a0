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

/** Throws the exception {@code error} makes instead of calling: an erroring downstream. */
public record Failure(double rate, Supplier<? extends Exception> error) implements FaultSpec {

    public Failure {
        FaultSpec.checkRate(rate);
        Objects.requireNonNull(error, "error supplier");
    }

    @Override
    public Object apply(Stage next, Callable<?> call, Clock clock, RandomSource random) throws Exception {
        throw error.get();
    }

    @Override
    public CompletableFuture<Object> applyAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call,
                                                Clock clock, RandomSource random) {
        return CompletableFuture.failedFuture(error.get());
    }
}
