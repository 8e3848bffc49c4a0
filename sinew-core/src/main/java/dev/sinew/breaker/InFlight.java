package dev.sinew.breaker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Start times of the calls in flight through a closed breaker, kept cheaply so that calls still
 * running past the slow-call duration can count as slow before they end.
 *
 * <p>Time is cut into periods of an eighth of the slow-call duration (at least 1 ms). A small ring
 * holds one packed long per period: the period number in the high 40 bits, the number of calls
 * started in it in the low 24 bits, updated by CAS. When a slot is reused for a newer period its
 * calls move to the {@code ancient} counter: they started more than the slow-call duration ago.
 * Counting the slow calls in flight reads the ring (at most 10 slots) and the ancient counter,
 * and may miss calls that became slow less than one period ago.
 */
final class InFlight {

    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long MIN_PERIOD = 1_000_000L;

    final long slowNanos;
    private final long base;
    private final long period;
    private final int slots;
    private final AtomicLongArray ring;
    private final AtomicLong ancient = new AtomicLong();
    private final AtomicLong nextCheck;

    InFlight(long slowNanos, long nowNanos) {
        this.slowNanos = slowNanos;
        this.base = nowNanos;
        this.period = Math.max(MIN_PERIOD, slowNanos / 8);
        this.slots = (int) ((slowNanos + period - 1) / period) + 2;
        this.ring = new AtomicLongArray(slots);
        this.nextCheck = new AtomicLong(nowNanos + slowNanos);
    }

    /** Notes a call starting at {@code start}. */
    void register(long start) {
        long p = (start - base) / period;
        if (start < base) {
            ancient.incrementAndGet();
            return;
        }
        int i = (int) (p % slots);
        while (true) {
            long v = ring.get(i);
            long vp = v >>> COUNT_BITS;
            if (vp == p) {
                if (ring.compareAndSet(i, v, v + 1)) {
                    return;
                }
            } else if (vp < p) {
                if (ring.compareAndSet(i, v, (p << COUNT_BITS) | 1)) {
                    long moved = v & COUNT_MASK;
                    if (moved != 0) {
                        ancient.addAndGet(moved);
                    }
                    return;
                }
            } else {
                ancient.incrementAndGet(); // started long ago (a stalled thread): its slot is gone
                return;
            }
        }
    }

    /** Notes the end of a call registered with the same {@code start}. */
    void unregister(long start) {
        if (start < base) {
            ancient.decrementAndGet();
            return;
        }
        long p = (start - base) / period;
        int i = (int) (p % slots);
        while (true) {
            long v = ring.get(i);
            if (v >>> COUNT_BITS != p) {
                ancient.decrementAndGet(); // its slot was reused: the call was counted as ancient
                return;
            }
            if (ring.compareAndSet(i, v, v - 1)) {
                return;
            }
        }
    }

    /** True for one caller at most once per period: time to count the slow calls in flight. */
    boolean checkDue(long now) {
        long due = nextCheck.get();
        return now - due >= 0 && nextCheck.compareAndSet(due, now + period);
    }

    /** Calls in flight that started at least the slow-call duration before {@code now}. */
    long slowAt(long now) {
        long limit = Math.floorDiv(now - slowNanos - base, period); // periods below it ended before now - slow
        long n = Math.max(0, ancient.get());
        for (int i = 0; i < slots; i++) {
            long v = ring.get(i);
            long c = v & COUNT_MASK;
            if (c != 0 && (v >>> COUNT_BITS) < limit) {
                n += c;
            }
        }
        return n;
    }

    /** All calls in flight (for metrics). */
    long total() {
        long n = Math.max(0, ancient.get());
        for (int i = 0; i < slots; i++) {
            n += ring.get(i) & COUNT_MASK;
        }
        return n;
    }
}
