package dev.sinew.retry;

import java.time.Duration;

/**
 * How long to wait before a retry. Strategies are immutable and stateless, so one instance can be
 * shared by any number of policies and threads: whatever a strategy needs to remember (the
 * previous delay, for decorrelated jitter) is passed in, and randomness comes from a
 * {@link RandomSource}. Computing a delay allocates nothing.
 *
 * <p>{@code retry} counts retries from 1: the delay before the second attempt is
 * {@code delayNanos(1, 0, random)}. The growing strategies start at their base for retry 1 and
 * double (or multiply) from there.
 *
 * <p>Which to pick (see the AWS Architecture Blog, "Exponential Backoff And Jitter"): many clients
 * retrying against one server should use {@link #fullJitter} or {@link #decorrelatedJitter}, which
 * spread retries out instead of sending them in synchronized waves; {@link #exponential} without
 * jitter suits a single client; {@link #fixed} suits polling-like retries.
 */
@FunctionalInterface
public interface Backoff {

    /**
     * The delay before retry number {@code retry} (1-based), in nanoseconds, never negative.
     *
     * @param retry              1 for the first retry, 2 for the second, ...
     * @param previousDelayNanos the delay actually waited before the previous retry (0 before the first)
     * @param random             the randomness to use for jitter
     */
    long delayNanos(int retry, long previousDelayNanos, RandomSource random);

    /** No delay: retry at once. */
    static Backoff none() {
        return BackoffStrategies.None.INSTANCE;
    }

    /** The same delay before every retry. Property key of the delay: {@code initial-delay}. */
    static Backoff fixed(Duration delay) {
        return new BackoffStrategies.Fixed(Checks.duration("initial-delay", delay, false));
    }

    /**
     * {@code initial * multiplier^(retry-1)}, capped at {@code max}: e.g. 100ms, 200ms, 400ms, ...
     *
     * @param initial    the first delay, positive ({@code initial-delay})
     * @param multiplier the growth factor, from 1 to 100 ({@code multiplier})
     * @param max        the largest delay, at least {@code initial} ({@code max-delay})
     */
    static Backoff exponential(Duration initial, double multiplier, Duration max) {
        long i = Checks.duration("initial-delay", initial, true);
        if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
            throw Checks.bad("multiplier", multiplier, "a number from 1 to 100");
        }
        long m = maxDelay(max, i, initial);
        return new BackoffStrategies.Exponential(i, multiplier, m);
    }

    /**
     * AWS "full jitter": a uniformly random delay in {@code [0, min(cap, base * 2^(retry-1))]}.
     * Spreads retries best; a delay can be zero.
     *
     * @param base the ceiling for the first retry, positive ({@code initial-delay})
     * @param cap  the largest ceiling, at least {@code base} ({@code max-delay})
     */
    static Backoff fullJitter(Duration base, Duration cap) {
        long b = Checks.duration("initial-delay", base, true);
        return new BackoffStrategies.FullJitter(b, maxDelay(cap, b, base));
    }

    /**
     * AWS "decorrelated jitter": {@code min(cap, random(base, previous * 3))}, where
     * {@code previous} is the previous delay ({@code base} before the first retry). Grows roughly
     * like exponential backoff but each delay depends on the last, not on the retry count.
     *
     * @param base the smallest delay, positive ({@code initial-delay})
     * @param cap  the largest delay, at least {@code base} ({@code max-delay})
     */
    static Backoff decorrelatedJitter(Duration base, Duration cap) {
        long b = Checks.duration("initial-delay", base, true);
        return new BackoffStrategies.DecorrelatedJitter(b, maxDelay(cap, b, base));
    }

    private static long maxDelay(Duration max, long initialNanos, Duration initial) {
        long m = Checks.duration("max-delay", max, true);
        if (m < initialNanos) {
            throw Checks.bad("max-delay", Checks.format(max),
                    "a duration of at least initial-delay (" + Checks.format(initial) + ")");
        }
        return m;
    }
}
