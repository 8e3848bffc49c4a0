package dev.sinew.time;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that only moves when told to. {@link #sleepNanos} advances it instead of blocking, and
 * scheduled tasks run (on the advancing thread) when the time they wait for is reached. Thread-safe.
 */
public final class TestClock implements Clock {

    private final AtomicLong now;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;

    /** A clock starting at an arbitrary non-zero time, so that code never relies on time zero. */
    public TestClock() {
        this(1_000_000_000L);
    }

    public TestClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        advanceNanos(Math.max(0, nanos));
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Task t;
        lock.lock();
        try {
            t = new Task(now.get() + Math.max(0, delayNanos), sequence++, task);
            tasks.add(t);
        } finally {
            lock.unlock();
        }
        if (delayNanos <= 0) {
            runDue();
        }
        return t;
    }

    /** Moves time forward and runs every task that became due, in time order. */
    public void advance(Duration d) {
        advanceNanos(d.toNanos());
    }

    /** Moves time forward by {@code millis} milliseconds. */
    public void advanceMillis(long millis) {
        advanceNanos(millis * 1_000_000L);
    }

    /** Moves time forward and runs every task that became due, in time order. */
    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("cannot move a clock backwards: " + nanos);
        }
        long target = now.get() + nanos;
        while (true) {
            Task next;
            lock.lock();
            try {
                next = tasks.peek();
                if (next == null || next.at > target) {
                    break;
                }
                tasks.poll();
            } finally {
                lock.unlock();
            }
            now.accumulateAndGet(next.at, Math::max);
            next.runIfLive();
        }
        now.accumulateAndGet(target, Math::max);
    }

    /** Number of scheduled tasks not yet run or cancelled. */
    public int pendingTasks() {
        lock.lock();
        try {
            return (int) tasks.stream().filter(t -> !t.cancelled).count();
        } finally {
            lock.unlock();
        }
    }

    private void runDue() {
        advanceNanos(0);
    }

    private final class Task implements Comparable<Task>, Cancellable {
        final long at;
        final long seq;
        final Runnable runnable;
        volatile boolean cancelled;
        volatile boolean ran;

        Task(long at, long seq, Runnable runnable) {
            this.at = at;
            this.seq = seq;
            this.runnable = runnable;
        }

        void runIfLive() {
            if (!cancelled) {
                ran = true;
                runnable.run();
            }
        }

        @Override
        public boolean cancel() {
            if (ran || cancelled) {
                return false;
            }
            cancelled = true;
            lock.lock();
            try {
                tasks.remove(this);
            } finally {
                lock.unlock();
            }
            return true;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
