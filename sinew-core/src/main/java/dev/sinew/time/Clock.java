package dev.sinew.time;

/**
 * The source of time for every Sinew policy. Production code uses {@link #system()}; tests use
 * {@link TestClock} so that no test has to sleep to see a policy react to time.
 */
public interface Clock {

    /** Monotonic time in nanoseconds, comparable only with other readings of the same clock. */
    long nanoTime();

    /** Blocks the calling thread for the given time; the test clock advances itself instead. */
    void sleepNanos(long nanos) throws InterruptedException;

    /** Runs {@code task} once after {@code delayNanos}; used by asynchronous policies. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** The wall-clock-independent system clock backed by {@link System#nanoTime()}. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** A scheduled task that can still be called off. */
    interface Cancellable {
        /** Calls the task off; returns false if it already ran or was cancelled. */
        boolean cancel();
    }
}
