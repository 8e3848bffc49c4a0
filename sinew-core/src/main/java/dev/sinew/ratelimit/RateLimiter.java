package dev.sinew.ratelimit;

import dev.sinew.event.Events;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.CallStart;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import dev.sinew.time.Clock;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Limits the rate of calls with a token bucket: {@code permits-per-second} sustained, up to
 * {@code burst} at once after a quiet period. A call without a permit waits up to {@code max-wait}
 * for one, or is refused with {@link RejectionKind#RATE_LIMITED}.
 *
 * <p>The bucket is kept as GCRA (generic cell rate algorithm): one "theoretical arrival time"
 * that each admitted call pushes forward by one emission interval. Admission is one clock read and
 * one compare-and-set: no lock, no allocation, no refill thread. A waiting call reserves its
 * permit first and then sleeps on the pipeline's clock until it is due, so waiting calls are
 * served in order and never overshoot the rate. A reserved permit is not returned if the waiting
 * thread is interrupted.
 *
 * <p>{@link #reconfigure} keeps the bucket's fill: the permits already used stay used, counted
 * in the new rate and capped at the new burst.
 */
public final class RateLimiter extends AbstractPolicy {

    /** The name used by {@link #of(RateLimiterConfig)}. */
    public static final String DEFAULT_NAME = "rate-limiter";

    /** Theoretical arrival time: the bucket is full when it is at or before now. */
    private final AtomicLong tat = new AtomicLong();
    private volatile Settings settings;
    private volatile RateLimiterConfig config;
    private Clock clock;
    private Events events;
    private String pipeline;
    private Rejection rejection;

    /**
     * @param interval nanoseconds between permits at the sustained rate
     * @param burstSpan {@code burst * interval}: how far ahead of now the arrival time may run
     * @param maxWait   nanoseconds a call may wait
     */
    private record Settings(long interval, long burstSpan, long maxWait) {
        static Settings of(RateLimiterConfig c) {
            long interval = Math.max(1L, Math.round(1e9 / c.permitsPerSecond()));
            return new Settings(interval, interval * c.burst(), c.maxWait().toNanos());
        }
    }

    private RateLimiter(String name, RateLimiterConfig config) {
        super(name);
        this.config = Objects.requireNonNull(config, "config");
        this.settings = Settings.of(config);
    }

    /** A rate limiter named {@value #DEFAULT_NAME}. */
    public static RateLimiter of(RateLimiterConfig config) {
        return new RateLimiter(DEFAULT_NAME, config);
    }

    /** A named rate limiter. */
    public static RateLimiter of(String name, RateLimiterConfig config) {
        return new RateLimiter(name, config);
    }

    /** The current settings. */
    public RateLimiterConfig config() {
        return config;
    }

    /** An estimate of the permits that could be taken right now without waiting. */
    public int availablePermits() {
        Settings s = settings;
        if (!attached()) {
            return config.burst();
        }
        long debt = Math.max(0L, tat.get() - clock.nanoTime());
        return (int) Math.max(0L, (s.burstSpan - debt) / s.interval);
    }

    /**
     * Applies new settings live, keeping the bucket's fill: the permits used so far (not yet
     * refilled) stay used under the new rate, capped at the new burst.
     */
    public void reconfigure(RateLimiterConfig newConfig) {
        Objects.requireNonNull(newConfig, "config");
        Settings old = settings;
        Settings s = Settings.of(newConfig);
        this.config = newConfig;
        if (attached()) {
            long now = clock.nanoTime();
            while (true) {
                long current = tat.get();
                long debt = current - now;
                if (debt <= 0) {
                    break;
                }
                double used = (double) debt / old.interval;
                long newDebt = (long) Math.min((double) s.burstSpan, used * s.interval);
                if (tat.compareAndSet(current, now + newDebt)) {
                    break;
                }
            }
        }
        this.settings = s;
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.clock = ctx.clock();
        this.events = ctx.events();
        this.pipeline = ctx.pipeline();
        this.rejection = new Rejection(RejectionKind.RATE_LIMITED, ctx.pipeline(), name(),
                "no permit available within max-wait (permits-per-second, burst)");
        this.tat.set(clock.nanoTime());
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        long wait = reserve();
        if (wait < 0) {
            return reject();
        }
        if (wait > 0) {
            CallStart.stale(); // the pipeline's start reading is no longer "now" for an inner timeout
            clock.sleepNanos(wait);
        }
        return next.call(call);
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        long wait = reserve();
        if (wait < 0) {
            return CompletableFuture.completedFuture(reject());
        }
        if (wait == 0) {
            return next.call(call);
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        clock.schedule(() -> {
            try {
                next.call(call).whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, wait);
        return result;
    }

    /**
     * Takes a permit: returns 0 if it is available now, the nanoseconds to wait for it (already
     * reserved), or -1 if it cannot be had within max-wait.
     */
    private long reserve() {
        Settings s = settings;
        while (true) {
            // the clock is read after the arrival time: a reading taken before a preemption must not
            // be compared with an arrival time other threads pushed forward meanwhile (a false refusal)
            long current = tat.get();
            long now = clock.nanoTime();
            long base = current - now > 0 ? current : now;
            long next = base + s.interval;
            long wait = next - now - s.burstSpan;
            if (wait > s.maxWait) {
                return -1L;
            }
            if (tat.compareAndSet(current, next)) {
                return Math.max(0L, wait);
            }
        }
    }

    private Rejection reject() {
        if (events.active()) {
            events.listener().onRejected(pipeline, name(), RejectionKind.RATE_LIMITED);
        }
        return rejection;
    }

    /** Waits only after marking the pipeline's start reading stale. */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

}
