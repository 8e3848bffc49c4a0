package dev.sinew.retry;

import dev.sinew.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts clock readings, to prove a hot path reads no clock. */
final class CountingClock implements Clock {

    final AtomicInteger reads = new AtomicInteger();
    private final Clock delegate;

    CountingClock(Clock delegate) {
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
