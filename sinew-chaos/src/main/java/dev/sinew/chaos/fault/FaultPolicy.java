package dev.sinew.chaos.fault;

import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Stage;
import dev.sinew.retry.RandomSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Injects one {@link FaultSpec} into the calls of its pipeline, switched at runtime. Off until
 * {@link #enable} is called; while off a call costs one volatile read. Belongs innermost, next to
 * the call, so that timeout, retry, breaker and fallback react to the fault as they would to a
 * real one.
 */
public final class FaultPolicy extends AbstractPolicy {

    private final RandomSource random;
    private volatile FaultSpec spec;

    private FaultPolicy(String name, RandomSource random) {
        super(name);
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A policy named "fault", off, with thread-local randomness. */
    public static FaultPolicy create() {
        return new FaultPolicy("fault", RandomSource.threadLocal());
    }

    /** A policy with its own name and randomness (tests pass a seeded or fixed source). */
    public static FaultPolicy create(String name, RandomSource random) {
        return new FaultPolicy(name, random);
    }

    /** Starts injecting {@code fault}, replacing any fault before it, atomically. */
    public void enable(FaultSpec fault) {
        spec = Objects.requireNonNull(fault, "fault");
    }

    /** Stops injecting; calls in flight finish with the fault they drew. */
    public void disable() {
        spec = null;
    }

    /** The fault being injected, if any. */
    public Optional<FaultSpec> current() {
        return Optional.ofNullable(spec);
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        FaultSpec s = spec;
        if (s == null || !s.fires(random)) {
            return next.call(call);
        }
        return s.apply(next, call, clock(), random);
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        FaultSpec s = spec;
        if (s == null || !s.fires(random)) {
            return next.call(call);
        }
        return s.applyAsync(next, call, clock(), random);
    }
}
