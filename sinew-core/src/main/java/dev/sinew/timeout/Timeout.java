package dev.sinew.timeout;

import dev.sinew.event.Events;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.Async;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.CallStart;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Stage;
import dev.sinew.time.Clock;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Gives up on a call that takes longer than a configured duration and fails it with a
 * {@link TimeoutExceededException}.
 *
 * <p><b>Position decides the meaning.</b> Placed inside a retry ({@code retry, timeout}) it bounds
 * each attempt; placed outside ({@code timeout, retry}) it bounds the whole call, retries and
 * backoff included. Both can be combined with two timeout policies of different names.
 *
 * <p><b>Synchronous calls</b> run on the caller's thread; no thread is started per call. On the
 * system clock one shared watchdog thread holds all deadlines and interrupts the calling thread
 * when its deadline passes; arming and disarming allocate nothing. When the call ends, a fired
 * deadline's interrupt is cleared and the caller gets the timeout, so the thread is never left
 * interrupted. A call that ignores interrupts still finishes late, but its result (or exception)
 * is discarded and the caller gets the timeout. With {@code interrupt=false} the call is never
 * interrupted: it runs to its end and the caller gets the timeout if it took too long. No
 * {@code synchronized} is involved, so this works the same on virtual threads. When a listener
 * observes the pipeline's calls (metrics), the pipeline reads the clock at the call's start anyway
 * and, if nothing before this timeout can delay the call, hands that reading over
 * ({@link CallStart}): the deadline then counts from it, tens of nanoseconds earlier, and the call
 * reads the clock once less.
 *
 * <p>On any other clock (for example {@code TestClock}) the deadline is scheduled on that clock,
 * so tests fire it by advancing time.
 *
 * <p><b>Asynchronous calls</b> complete exceptionally with the timeout when the duration passes
 * (a timer on the pipeline's clock) and the inner future is cancelled.
 *
 * <p>Listeners get {@code onTimeout} each time this policy gives up.
 */
public final class Timeout extends AbstractPolicy {

    /** The name used by {@link #of(TimeoutConfig)}. */
    public static final String DEFAULT_NAME = "timeout";

    private volatile Settings settings;
    private volatile TimeoutConfig config;
    private String pipeline;
    private Clock clock;
    private Events events;
    private boolean systemClock;

    /** Everything one call needs, swapped as a whole on reconfiguration. */
    private record Settings(long nanos, boolean interrupt, TimeoutExceededException exception) {
    }

    private Timeout(String name, TimeoutConfig config) {
        super(name);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A timeout named {@value #DEFAULT_NAME}. */
    public static Timeout of(TimeoutConfig config) {
        return new Timeout(DEFAULT_NAME, config);
    }

    /** A named timeout; give each timeout of a pipeline its own name. */
    public static Timeout of(String name, TimeoutConfig config) {
        return new Timeout(name, config);
    }

    /** A timeout named {@value #DEFAULT_NAME} with the given duration. */
    public static Timeout of(java.time.Duration duration) {
        return of(TimeoutConfig.of(duration));
    }

    /** The current settings. */
    public TimeoutConfig config() {
        return config;
    }

    /** Applies new settings to calls that start from now on; calls in flight keep their deadline. */
    public void reconfigure(TimeoutConfig newConfig) {
        Objects.requireNonNull(newConfig, "config");
        this.config = newConfig;
        if (attached()) {
            settings = settingsFor(newConfig);
        }
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.pipeline = ctx.pipeline();
        this.clock = ctx.clock();
        this.events = ctx.events();
        this.systemClock = ctx.clock() == Clock.system();
        this.settings = settingsFor(config);
    }

    private Settings settingsFor(TimeoutConfig c) {
        long nanos = c.duration().toNanos();
        return new Settings(nanos, c.interrupt(), new TimeoutExceededException(pipeline, name(), nanos));
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        Settings s = settings;
        if (!s.interrupt) {
            return executeWithoutInterrupt(s, next, call);
        }
        if (!systemClock) {
            return executeOnScheduledClock(s, next, call);
        }
        DeadlineWatchdog watchdog = DeadlineWatchdog.INSTANCE;
        // a timed (observed) call may have handed its start reading over: one clock reading fewer
        long now = events.observed() ? CallStart.takeOrNow(events) : System.nanoTime();
        DeadlineWatchdog.Slot slot = watchdog.arm(now + s.nanos);
        Object result;
        try {
            result = next.call(call);
        } catch (Throwable t) {
            if (watchdog.disarm(slot)) {
                throw timedOut(s);
            }
            throw t;
        }
        if (watchdog.disarm(slot)) {
            throw timedOut(s);
        }
        return result;
    }

    private Object executeWithoutInterrupt(Settings s, Stage next, Callable<?> call) throws Exception {
        long start = clock.nanoTime();
        Object result;
        try {
            result = next.call(call);
        } catch (Throwable t) {
            if (clock.nanoTime() - start >= s.nanos) {
                throw timedOut(s);
            }
            throw t;
        }
        if (clock.nanoTime() - start >= s.nanos) {
            throw timedOut(s);
        }
        return result;
    }

    private Object executeOnScheduledClock(Settings s, Stage next, Callable<?> call) throws Exception {
        ScheduledDeadline deadline = new ScheduledDeadline(Thread.currentThread());
        deadline.timer = clock.schedule(deadline, s.nanos);
        Object result;
        try {
            result = next.call(call);
        } catch (Throwable t) {
            if (deadline.finish()) {
                throw timedOut(s);
            }
            throw t;
        }
        if (deadline.finish()) {
            throw timedOut(s);
        }
        return result;
    }

    private TimeoutExceededException timedOut(Settings s) {
        if (events.active()) {
            events.listener().onTimeout(pipeline, name(), s.nanos);
        }
        return s.exception;
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        Settings s = settings;
        CompletableFuture<Object> inner;
        try {
            inner = next.call(call);
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
        if (inner.isDone()) {
            return inner;
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        Clock.Cancellable timer = clock.schedule(() -> {
            if (result.completeExceptionally(s.exception)) {
                if (events.active()) {
                    events.listener().onTimeout(pipeline, name(), s.nanos);
                }
                inner.cancel(true);
            }
        }, s.nanos);
        inner.whenComplete((v, e) -> {
            timer.cancel();
            if (e != null) {
                result.completeExceptionally(Async.unwrap(e));
            } else {
                result.complete(v);
            }
        });
        return result;
    }

    /**
     * A deadline armed on a non-system clock: one object per call, fine for tests. Fire and finish
     * exclude each other through a lock ({@link DeadlineWatchdog} does it with a CAS per slot).
     */
    private static final class ScheduledDeadline implements Runnable {
        private final Thread owner;
        private final ReentrantLock lock = new ReentrantLock();
        private boolean done;
        private boolean fired;
        Clock.Cancellable timer;

        ScheduledDeadline(Thread owner) {
            this.owner = owner;
        }

        @Override
        public void run() {
            lock.lock();
            try {
                if (!done) {
                    fired = true;
                    owner.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Ends the call; true if the deadline fired (its interrupt is then cleared). */
        boolean finish() {
            boolean f;
            lock.lock();
            try {
                done = true;
                f = fired;
                if (f) {
                    Thread.interrupted();
                }
            } finally {
                lock.unlock();
            }
            if (!f) {
                timer.cancel();
            }
            return f;
        }
    }

    /** Never waits on the way in (it arms a deadline and calls the next stage). */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

    /** On the system clock with interrupts, it arms its deadline from the pipeline's start reading when handed one. */
    @Override
    public boolean takesCallStart() {
        return true;
    }

}
