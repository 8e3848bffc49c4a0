package dev.sinew.time;

import java.util.concurrent.atomic.AtomicLong;

/** Counts clock readings, to prove a hot path reads no clock. */
public final class CountingClock implements Clock {

    /** Readings of {@link #nanoTime()} so far. */
    public final AtomicLong reads = new AtomicLong();
    private final Clock delegate;

    public CountingClock(Clock delegate) {
        this.delegate = delegate;
    }

    @Override
    public long nanoTime() {
        reads.incrementAndGet();
        return delegate.nanoTime();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        delegate.sleepNanos(nanos);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        return delegate.schedule(task, delayNanos);
    }
}
