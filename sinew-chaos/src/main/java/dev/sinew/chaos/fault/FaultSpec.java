package dev.sinew.chaos.fault;

import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Stage;
import dev.sinew.retry.RandomSource;
import dev.sinew.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One fault a {@link FaultPolicy} injects, and how often: {@link Latency}, {@link Failure} or
 * {@link BadResult}. Immutable; switching faults means handing the policy a new spec.
 */
public sealed interface FaultSpec permits Latency, Failure, BadResult {

    /** Resolution of the injection rate: one in a million. */
    long SCALE = 1_000_000L;

    /** The share of calls hit, 0 to 1. */
    double rate();

    /** Whether this call is hit; draws once from {@code random}. */
    default boolean fires(RandomSource random) {
        long threshold = Math.round(rate() * SCALE);
        return threshold > 0 && (threshold >= SCALE || random.nextLong(SCALE) < threshold);
    }

    /** Injects the fault into one synchronous call. */
    Object apply(Stage next, Callable<?> call, Clock clock, RandomSource random) throws Exception;

    /** Injects the fault into one asynchronous call. */
    CompletableFuture<Object> applyAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call,
                                         Clock clock, RandomSource random);

    /** Delays a share {@code rate} of calls by {@code base} plus up to {@code jitter}. */
    static Latency latency(double rate, Duration base, Duration jitter) {
        return new Latency(rate, base, jitter);
    }

    /** Fails a share {@code rate} of calls with the exception {@code error} makes, instead of calling. */
    static Failure exception(double rate, Supplier<? extends Exception> error) {
        return new Failure(rate, error);
    }

    /** Fails a share {@code rate} of calls with an {@link InjectedFaultException}. */
    static Failure exception(double rate) {
        return new Failure(rate, () -> new InjectedFaultException("injected fault"));
    }

    /** Answers a share {@code rate} of calls with what {@code result} gives, instead of calling. */
    static BadResult result(double rate, Supplier<?> result) {
        return new BadResult(rate, result);
    }

    /** Checks a rate, naming it in the message. */
    static double checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be between 0 and 1, was " + rate);
        }
        return rate;
    }
}
