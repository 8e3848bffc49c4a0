package dev.sinew.bulkhead;

import dev.sinew.event.Events;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.CallStart;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Bounds how many calls run at once, so that one slow downstream cannot take every thread of the
 * caller. A call that finds all permits taken waits up to {@code max-wait} for one (synchronous
 * calls only) and is otherwise refused with {@link RejectionKind#BULKHEAD_FULL}.
 *
 * <p>Admission is one compare-and-set on a counter: no lock and no allocation. The lock and
 * condition are used only by calls that wait, and a release signals only when somebody waits.
 *
 * <p>{@link #reconfigure} changes the limit live without losing count of the calls in flight:
 * shrinking stops admissions until fewer than the new limit run; growing wakes waiting calls.
 *
 * <p>Asynchronous calls hold their permit until their future completes. They never wait (that
 * would block the caller's thread): they are admitted or refused at once.
 */
public final class Bulkhead extends AbstractPolicy {

    /** The name used by {@link #of(BulkheadConfig)}. */
    public static final String DEFAULT_NAME = "bulkhead";

    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition permitFreed = lock.newCondition();
    /** Calls waiting for a permit; written under the lock, read by releases without it. */
    private volatile int waiters;
    private volatile int limit;
    private volatile long maxWaitNanos;
    private volatile BulkheadConfig config;
    private Rejection rejection;
    private Events events;
    private String pipeline;

    private Bulkhead(String name, BulkheadConfig config) {
        super(name);
        this.config = Objects.requireNonNull(config, "config");
        this.limit = config.maxConcurrent();
        this.maxWaitNanos = config.maxWait().toNanos();
    }

    /** A bulkhead named {@value #DEFAULT_NAME}. */
    public static Bulkhead of(BulkheadConfig config) {
        return new Bulkhead(DEFAULT_NAME, config);
    }

    /** A named bulkhead. */
    public static Bulkhead of(String name, BulkheadConfig config) {
        return new Bulkhead(name, config);
    }

    /** The current settings. */
    public BulkheadConfig config() {
        return config;
    }

    /** Calls currently holding a permit (may exceed the limit for a while after shrinking it). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Permits free right now (never negative). */
    public int available() {
        return Math.max(0, limit - inFlight.get());
    }

    /**
     * Applies new settings live. Calls in flight keep their permits; a smaller limit only stops new
     * admissions until enough calls finished, a larger one admits waiting calls at once.
     */
    public void reconfigure(BulkheadConfig newConfig) {
        Objects.requireNonNull(newConfig, "config");
        int old = limit;
        this.config = newConfig;
        this.maxWaitNanos = newConfig.maxWait().toNanos();
        this.limit = newConfig.maxConcurrent();
        if (newConfig.maxConcurrent() > old && waiters > 0) {
            lock.lock();
            try {
                permitFreed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.pipeline = ctx.pipeline();
        this.events = ctx.events();
        this.rejection = new Rejection(RejectionKind.BULKHEAD_FULL, ctx.pipeline(), name(),
                "all permits are in use (max-concurrent) and none freed within max-wait");
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        if (!tryAcquire()) {
            long wait = maxWaitNanos;
            if (wait <= 0 || !awaitPermit(wait)) {
                return reject();
            }
        }
        try {
            return next.call(call);
        } finally {
            release();
        }
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        if (!tryAcquire()) {
            return CompletableFuture.completedFuture(reject());
        }
        CompletableFuture<Object> inner;
        try {
            inner = next.call(call);
        } catch (Throwable t) {
            release();
            return CompletableFuture.failedFuture(t);
        }
        return inner.whenComplete((v, e) -> release());
    }

    private Rejection reject() {
        if (events.active()) {
            events.listener().onRejected(pipeline, name(), RejectionKind.BULKHEAD_FULL);
        }
        return rejection;
    }

    private boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private void release() {
        inFlight.decrementAndGet();
        // pairs with the waiter's "waiters++ then tryAcquire": one of the two sees the other
        if (waiters > 0) {
            lock.lock();
            try {
                permitFreed.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean awaitPermit(long nanos) throws InterruptedException {
        CallStart.stale(); // the pipeline's start reading is no longer "now" for an inner timeout
        lock.lockInterruptibly();
        try {
            waiters++;
            try {
                long remaining = nanos;
                while (true) {
                    if (tryAcquire()) {
                        return true;
                    }
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = permitFreed.awaitNanos(remaining);
                }
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits only after marking the pipeline's start reading stale. */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

}
