package dev.sinew.pipeline;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One resilience policy: a stage of a {@link Pipeline}. A policy instance belongs to exactly one
 * pipeline; {@link #attach} tells it which, before the first call.
 *
 * <p>Contract for implementations: on the success path allocate nothing and take no lock;
 * refuse a call by returning a preallocated {@link Rejection} (never by throwing); let the
 * call's own exceptions pass through unchanged.
 */
public interface Policy {

    /** The policy's name within its pipeline, e.g. {@code "breaker"}; used in events and errors. */
    String name();

    /** Binds this policy to its pipeline. Called once, by the pipeline builder. */
    void attach(PolicyContext context);

    /** Runs {@code next} (the inner policies and the call) under this policy. */
    Object execute(Stage next, Callable<?> call) throws Exception;

    /** Asynchronous variant of {@link #execute}. */
    CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call);

    /**
     * True when this policy, on a synchronous call's way in, neither waits (or calls
     * {@link CallStart#stale()} before it does) nor runs code that could take a clock reading meant
     * for another call before calling the next stage. A pipeline whose policies before its first
     * timeout all answer true hands its start reading to that timeout ({@link CallStart}). Default
     * false: an unknown policy keeps the timeout reading the clock itself.
     */
    default boolean entersWithoutDelay() {
        return false;
    }

    /** True for a policy that arms a deadline from {@link CallStart#takeOrNow(Object)} (Sinew's timeout). */
    default boolean takesCallStart() {
        return false;
    }
}
