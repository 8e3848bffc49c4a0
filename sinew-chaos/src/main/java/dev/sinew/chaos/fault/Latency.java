package dev.sinew.chaos.fault;

import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Stage;
import dev.sinew.retry.RandomSource;
import dev.sinew.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Waits {@code base} plus a uniform random part of {@code jitter} on the pipeline's clock, then
 * makes the call: a slow downstream. The asynchronous form schedules the call instead of blocking.
 */
public record Latency(double rate, Duration base, Duration jitter) implements FaultSpec {

    public Latency {
        FaultSpec.checkRate(rate);
        Objects.requireNonNull(base, "latency base");
        Objects.requireNonNull(jitter, "latency jitter");
        if (base.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency base and jitter must not be negative");
        }
    }

    /** The delay for one call. */
    public long delayNanos(RandomSource random) {
        long j = jitter.toNanos();
        return base.toNanos() + (j > 0 ? random.nextLong(j + 1) : 0);
    }

    @Override
    public Object apply(Stage next, Callable<?> call, Clock clock, RandomSource random) throws Exception {
        clock.sleepNanos(delayNanos(random));
        return next.call(call);
    }

    @Override
    public CompletableFuture<Object> applyAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call,
                                                Clock clock, RandomSource random) {
        CompletableFuture<Object> out = new CompletableFuture<>();
        clock.schedule(() -> {
            CompletableFuture<Object> inner;
            try {
                inner = next.call(call);
            } catch (Throwable t) {
                out.completeExceptionally(t);
                return;
            }
            inner.whenComplete((v, e) -> {
                if (e != null) {
                    out.completeExceptionally(e);
                } else {
                    out.complete(v);
                }
            });
        }, delayNanos(random));
        return out;
    }
}
