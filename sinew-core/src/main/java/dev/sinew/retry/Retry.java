package dev.sinew.retry;

import dev.sinew.event.Events;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.Async;
import dev.sinew.pipeline.CallStart;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import dev.sinew.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs a call again when it fails, with a backoff between attempts and, when a
 * {@link RetryBudget} is set, only as long as the downstream's budget allows.
 *
 * <p><b>What is retried.</b> An exception is retried when it is not ignored by the classifier and
 * either matches {@code retryOn}/{@code retryOnError} (when set) or, by default, counts as a
 * failure for the classifier (the policy's own, else the pipeline's). {@link Error}s,
 * {@link InterruptedException} and {@link RejectedException}s thrown by nested pipelines are not
 * retried by default (an {@code Error} is when {@code retryOn} names it). A result is retried when
 * it matches {@code retryOnResult} or, by default, when the classifier counts it as a failure.
 * A {@link Rejection} returned by an inner policy (breaker open, bulkhead full, ...) is passed
 * through at once: retrying into a refusal only adds load.
 *
 * <p><b>Each failed attempt</b>, if attempts remain: the delay is the backoff's delay (capped at
 * {@code max-delay}), or the failure's retry-after hint if that is longer; a hint longer than
 * {@code max-retry-after} ends the retries. Then one budget token is withdrawn; if the budget
 * refuses, {@code onRetryDenied} fires and the failure goes to the caller with a
 * {@link RetryBudgetExhaustedException} added as suppressed (when the failure is an exception that
 * accepts suppressed exceptions). Otherwise {@code onRetry} fires and the policy waits on the
 * pipeline's clock. When the last allowed attempt fails (or a hint is too long)
 * {@code onRetriesExhausted} fires. The caller always gets the last failure unchanged: the
 * exception as thrown, or the failing result as returned.
 *
 * <p><b>Interrupts.</b> If the thread is interrupted while waiting, the policy stops retrying,
 * restores the interrupt flag, adds the {@link InterruptedException} as suppressed to the last
 * failure and throws that failure (or returns the failing result): the caller sees what actually
 * went wrong, and the flag tells it to wind down.
 *
 * <p><b>Cost.</b> When the first attempt succeeds: no allocation, no lock, no clock reading; with a
 * budget, one atomic increment ({@link RetryBudget#deposit()}), once per call.
 *
 * <p>{@link #executeAsync} schedules retries on the pipeline's clock; the retried supplier then
 * runs on the clock's scheduler thread, so it must only start the work, not block.
 */
public final class Retry extends AbstractPolicy {

    /** The default policy name. */
    public static final String DEFAULT_NAME = "retry";

    private volatile Settings settings;

    // set once in onAttach, before the pipeline publishes its chain (a volatile write)
    private Clock clock;
    private Events events;
    private String pipeline;
    private Classifier pipelineClassifier = Classifier.DEFAULT;
    private RetryBudgetExhaustedException budgetExhausted;

    private Retry(String name, RetryConfig config) {
        super(name);
        this.settings = new Settings(Objects.requireNonNull(config, "config"));
    }

    /** A retry policy named {@value #DEFAULT_NAME}. */
    public static Retry of(RetryConfig config) {
        return new Retry(DEFAULT_NAME, config);
    }

    public static Retry of(String name, RetryConfig config) {
        return new Retry(name, config);
    }

    /** A retry policy with {@link RetryConfig#defaults()}. */
    public static Retry ofDefaults() {
        return of(RetryConfig.defaults());
    }

    public RetryConfig config() {
        return settings.config;
    }

    /**
     * Applies new settings live. Calls in flight finish with the settings they started with; a
     * budget instance that stays the same keeps its tokens.
     */
    public void reconfigure(RetryConfig config) {
        settings = new Settings(Objects.requireNonNull(config, "config"));
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.clock = ctx.clock();
        this.events = ctx.events();
        this.pipeline = ctx.pipeline();
        this.pipelineClassifier = ctx.classifier();
        this.budgetExhausted = new RetryBudgetExhaustedException(ctx.pipeline(), name());
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        Settings s = settings;
        RetryBudget budget = s.budget;
        if (budget != null) {
            budget.deposit();
        }
        Object r;
        try {
            r = next.call(call);
        } catch (Throwable t) {
            return retrySync(s, next, call, t, null);
        }
        if (r instanceof Rejection || !retryResult(s, r)) {
            return r;
        }
        return retrySync(s, next, call, null, r);
    }

    /** The slow path: the first attempt failed. */
    private Object retrySync(Settings s, Stage next, Callable<?> call, Throwable error, Object result) throws Exception {
        if (error != null && !retryError(s, error)) {
            throw sneaky(error);
        }
        long previousDelay = 0L;
        for (int attempt = 1; ; attempt++) {
            long delay = decide(s, attempt, previousDelay, error, result);
            if (delay < 0) {
                return giveUp(error, result);
            }
            CallStart.stale(); // a handed start reading must not arm the next attempt's timeout
            try {
                clock.sleepNanos(delay);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                if (error != null && error != interrupted) {
                    error.addSuppressed(interrupted);
                }
                return giveUp(error, result);
            }
            previousDelay = delay;
            Object r;
            try {
                r = next.call(call);
            } catch (Throwable t) {
                if (!retryError(s, t)) {
                    throw sneaky(t);
                }
                error = t;
                result = null;
                continue;
            }
            if (r instanceof Rejection || !retryResult(s, r)) {
                return r;
            }
            error = null;
            result = r;
        }
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        Settings s = settings;
        if (s.budget != null) {
            s.budget.deposit();
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        attemptAsync(s, next, call, 1, 0L, result);
        return result;
    }

    private void attemptAsync(Settings s, AsyncStage next, Supplier<? extends CompletionStage<?>> call,
                              int attempt, long previousDelay, CompletableFuture<Object> result) {
        if (result.isDone()) {
            return; // cancelled by the caller: no further attempt
        }
        CompletableFuture<Object> f;
        try {
            f = next.call(call);
        } catch (Throwable t) {
            f = CompletableFuture.failedFuture(t);
        }
        f.whenComplete((v, e) -> {
            Throwable error = e == null ? null : Async.unwrap(e);
            if (error != null ? !retryError(s, error) : (v instanceof Rejection || !retryResult(s, v))) {
                complete(result, v, error);
                return;
            }
            long delay;
            try {
                delay = decide(s, attempt, previousDelay, error, error == null ? v : null);
            } catch (Throwable listenerOrHintFailure) {
                result.completeExceptionally(listenerOrHintFailure);
                return;
            }
            if (delay < 0) {
                complete(result, v, error);
            } else if (delay == 0) {
                attemptAsync(s, next, call, attempt + 1, 0L, result);
            } else {
                clock.schedule(() -> attemptAsync(s, next, call, attempt + 1, delay, result), delay);
            }
        });
    }

    private static void complete(CompletableFuture<Object> result, Object value, Throwable error) {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(value);
        }
    }

    /**
     * After failed attempt number {@code attempt}: the delay before the next attempt, or -1 to give
     * up. Fires the events and takes the budget token.
     */
    private long decide(Settings s, int attempt, long previousDelay, Throwable error, Object result) {
        if (attempt >= s.maxAttempts) {
            if (events.active()) {
                events.listener().onRetriesExhausted(pipeline, name(), attempt, error, result);
            }
            return -1L;
        }
        long delay = Math.min(s.maxDelayNanos, Math.max(0L, s.backoff.delayNanos(attempt, previousDelay, s.random)));
        long hint = hintNanos(s, error != null ? error : result);
        if (hint > s.maxRetryAfterNanos) {
            if (events.active()) {
                events.listener().onRetriesExhausted(pipeline, name(), attempt, error, result);
            }
            return -1L;
        }
        delay = Math.max(delay, hint);
        RetryBudget budget = s.budget;
        if (budget != null && !budget.tryWithdraw()) {
            if (error != null) {
                markBudgetExhausted(error);
            }
            if (events.active()) {
                events.listener().onRetryDenied(pipeline, name(), attempt, error, result);
            }
            return -1L;
        }
        if (events.active()) {
            events.listener().onRetry(pipeline, name(), attempt, delay, error, result);
        }
        return delay;
    }

    /** Adds the marker once, even when a user reuses one exception instance for every failure. */
    private void markBudgetExhausted(Throwable error) {
        RetryBudgetExhaustedException marker = budgetExhausted;
        if (error == marker) {
            return;
        }
        for (Throwable s : error.getSuppressed()) {
            if (s == marker) {
                return;
            }
        }
        error.addSuppressed(marker); // a no-op when the exception disabled suppression
    }

    private static long hintNanos(Settings s, Object failure) {
        if (failure == null) {
            return -1L;
        }
        Duration d = null;
        if (s.retryAfter != null) {
            d = s.retryAfter.apply(failure);
        }
        if (d == null && failure instanceof RetryAfter ra) {
            d = ra.retryAfter();
        }
        return d == null || d.isNegative() ? -1L : Checks.nanos(d);
    }

    private boolean retryError(Settings s, Throwable t) {
        Classifier c = s.classifier != null ? s.classifier : pipelineClassifier;
        if (t instanceof InterruptedException || c.isIgnored(t)) {
            return false;
        }
        if (s.errorRules) {
            for (Class<? extends Throwable> type : s.config.retryOn()) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
            return s.config.retryOnError() != null && s.config.retryOnError().test(t);
        }
        return !(t instanceof Error) && !(t instanceof RejectedException) && c.isFailure(t);
    }

    private boolean retryResult(Settings s, Object r) {
        if (s.retryOnResult != null) {
            return s.retryOnResult.test(r);
        }
        Classifier c = s.classifier != null ? s.classifier : pipelineClassifier;
        return c.isFailureResult(r);
    }

    private static Object giveUp(Throwable error, Object result) throws Exception {
        if (error != null) {
            throw sneaky(error);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** The config plus what the call path needs precomputed. */
    private static final class Settings {
        final RetryConfig config;
        final int maxAttempts;
        final Backoff backoff;
        final RandomSource random;
        final RetryBudget budget;
        final Classifier classifier;
        final java.util.function.Predicate<Object> retryOnResult;
        final java.util.function.Function<Object, Duration> retryAfter;
        final boolean errorRules;
        final long maxDelayNanos;
        final long maxRetryAfterNanos;

        Settings(RetryConfig c) {
            this.config = c;
            this.maxAttempts = c.maxAttempts();
            this.backoff = c.backoff();
            this.random = c.random();
            this.budget = c.budget();
            this.classifier = c.classifier();
            this.retryOnResult = c.retryOnResult();
            this.retryAfter = c.retryAfter();
            this.errorRules = !c.retryOn().isEmpty() || c.retryOnError() != null;
            this.maxDelayNanos = c.maxDelay() == null ? Long.MAX_VALUE : Checks.nanos(c.maxDelay());
            this.maxRetryAfterNanos = Checks.nanos(c.maxRetryAfter());
        }
    }

    /** Never waits before the first attempt; waits between attempts only after marking the start reading stale. */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

}
