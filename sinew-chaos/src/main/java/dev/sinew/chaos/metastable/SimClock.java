package dev.sinew.chaos.metastable;

import dev.sinew.time.Clock;
import java.util.PriorityQueue;

/**
 * Simulated time for the metastability experiment: a single-threaded discrete-event queue that is
 * also a {@link Clock}, so the real Sinew policies (retry backoff, timeouts, breaker, retry budget)
 * run on it unchanged. Time only moves in {@link #runUntil}; cancelling is O(1) (the event is
 * skipped when reached), which keeps a run of a few hundred thousand timeouts fast.
 */
final class SimClock implements Clock {

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long now;
    private long sequence;

    @Override
    public long nanoTime() {
        return now;
    }

    /** Blocking has no meaning in a simulation; the policies used here only schedule. */
    @Override
    public void sleepNanos(long nanos) {
        throw new UnsupportedOperationException("the simulation is asynchronous: schedule instead of sleeping");
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Event e = new Event(now + Math.max(0L, delayNanos), sequence++, task);
        events.add(e);
        return e;
    }

    /** Schedules at an absolute simulated time (not before now). */
    void at(long timeNanos, Runnable task) {
        schedule(task, timeNanos - now);
    }

    /** Runs every event due up to {@code endNanos} in time order, then sets the time to it. */
    void runUntil(long endNanos) {
        Event e;
        while ((e = events.peek()) != null && e.at <= endNanos) {
            events.poll();
            if (!e.cancelled) {
                now = e.at;
                e.done = true;
                e.task.run();
            }
        }
        now = Math.max(now, endNanos);
    }

    private static final class Event implements Comparable<Event>, Cancellable {
        final long at;
        final long seq;
        final Runnable task;
        boolean cancelled;
        boolean done;

        Event(long at, long seq, Runnable task) {
            this.at = at;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            if (cancelled || done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
