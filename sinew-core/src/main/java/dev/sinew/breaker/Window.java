package dev.sinew.breaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sliding window of a closed breaker. Outcome codes: bit 0 = a call is recorded, bit 1 = it
 * failed, bit 2 = it was slow; 0 = empty slot.
 */
abstract class Window {

    static final int EMPTY = 0;
    static final int SUCCESS = 1;
    static final int FAILURE = 3;
    static final int SLOW = 4;

    /** Records one outcome; returns true if the window now says the breaker must open. */
    abstract boolean record(int code, long nowNanos, CircuitBreaker.Settings s);

    /** {total, failures, slow} as seen at {@code nowNanos}, each clamped at 0. */
    abstract long[] counts(long nowNanos);

    /** True when this window already has the shape (type and size) that {@code s} asks for. */
    abstract boolean fits(CircuitBreaker.Settings s);

    /** A window of the shape {@code s} asks for, keeping as much of this one as fits. */
    abstract Window reshape(CircuitBreaker.Settings s, long nowNanos);

    static Window create(CircuitBreaker.Settings s) {
        return s.config.windowType() == WindowType.COUNT ? new CountWindow(s.config.windowSize())
                : new TimeWindow(s.config.windowSize());
    }

    /**
     * The last N outcomes: a ring of codes and one packed aggregate (total, failures, slow in
     * signed 21-bit fields). Ring and aggregate are updated by two separate atomics, so a reader
     * can see a field transiently off by the number of racing writers, even negative; decoding is
     * signed and readers clamp at 0.
     */
    static final class CountWindow extends Window {
        private static final int BITS = 21;

        final int size;
        private final AtomicIntegerArray ring;
        private final AtomicInteger cursor = new AtomicInteger();
        private final AtomicLong aggregate = new AtomicLong();

        CountWindow(int size) {
            this.size = size;
            this.ring = new AtomicIntegerArray(size);
        }

        static long delta(int code) {
            return (code & 1) + ((long) ((code >> 1) & 1) << BITS) + ((long) ((code >> 2) & 1) << (2 * BITS));
        }

        static long total(long a) {
            return (a << (64 - BITS)) >> (64 - BITS);
        }

        static long failures(long a) {
            long rest = (a - total(a)) >> BITS;
            return (rest << (64 - BITS)) >> (64 - BITS);
        }

        static long slow(long a) {
            long rest = (a - total(a)) >> BITS;
            return (rest - ((rest << (64 - BITS)) >> (64 - BITS))) >> BITS;
        }

        @Override
        boolean record(int code, long nowNanos, CircuitBreaker.Settings s) {
            if (code == SUCCESS && aggregate.get() == size) {
                return false; // a window full of successes is the same whichever slot a success replaces: no write
            }
            int i = Integer.remainderUnsigned(cursor.getAndIncrement(), size);
            // reading first keeps the ring's cache lines shared between cores while outcomes repeat
            if (ring.get(i) == code) {
                return false;
            }
            int old = ring.getAndSet(i, code);
            if (old == code) {
                return false; // the window's content did not change, neither did its verdict
            }
            long a = aggregate.addAndGet(delta(code) - delta(old));
            return s.shouldOpen(Math.max(0, total(a)), Math.max(0, failures(a)), Math.max(0, slow(a)), 0);
        }

        @Override
        long[] counts(long nowNanos) {
            long a = aggregate.get();
            return new long[] {Math.max(0, total(a)), Math.max(0, failures(a)), Math.max(0, slow(a))};
        }

        /** {total, failures, slow} counted from the ring itself (for consistency checks at rest). */
        long[] recount() {
            long[] n = new long[3];
            for (int i = 0; i < size; i++) {
                int code = ring.get(i);
                n[0] += code & 1;
                n[1] += (code >> 1) & 1;
                n[2] += (code >> 2) & 1;
            }
            return n;
        }

        @Override
        boolean fits(CircuitBreaker.Settings s) {
            return s.config.windowType() == WindowType.COUNT && s.config.windowSize() == size;
        }

        @Override
        Window reshape(CircuitBreaker.Settings s, long nowNanos) {
            if (s.config.windowType() != WindowType.COUNT) {
                return Window.create(s); // calls carry no time: a TIME window starts empty
            }
            CountWindow w = new CountWindow(s.config.windowSize());
            int end = cursor.get();
            int keep = Math.min(size, w.size);
            int[] codes = new int[keep];
            int n = 0;
            for (int back = keep; back >= 1; back--) { // oldest kept first
                int code = ring.get(Integer.remainderUnsigned(end - back, size));
                if (code != EMPTY) {
                    codes[n++] = code;
                }
            }
            long agg = 0;
            for (int k = 0; k < n; k++) {
                w.ring.set(k, codes[k]);
                agg += delta(codes[k]);
            }
            w.cursor.set(n % w.size);
            w.aggregate.set(agg);
            return w;
        }
    }

    /**
     * The outcomes of the last N seconds: a ring of per-second buckets, a bucket replaced by CAS
     * when its second has passed (one allocation per second, not per call), summed on evaluation.
     * A success is evaluated only on the first record of a new second (when old buckets drop out)
     * or while the window is below the minimum number of calls, so the verdict equals evaluating
     * every call without summing the ring on every success.
     */
    static final class TimeWindow extends Window {
        private static final long NANOS_PER_SECOND = 1_000_000_000L;

        static final class Bucket {
            final long second;
            /** total in the high 32 bits, failures in the low 32 bits. */
            final AtomicLong counts = new AtomicLong();
            final AtomicLong slow = new AtomicLong();

            Bucket(long second) {
                this.second = second;
            }
        }

        final int size;
        private final AtomicReferenceArray<Bucket> ring;
        private volatile boolean belowMinimum = true;

        TimeWindow(int size) {
            this.size = size;
            this.ring = new AtomicReferenceArray<>(size);
        }

        @Override
        boolean record(int code, long nowNanos, CircuitBreaker.Settings s) {
            long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
            int i = (int) Math.floorMod(second, (long) size);
            boolean rolled = false;
            Bucket b = ring.get(i);
            while (b == null || b.second < second) {
                Bucket fresh = new Bucket(second);
                if (ring.compareAndSet(i, b, fresh)) {
                    b = fresh;
                    rolled = true;
                    break;
                }
                b = ring.get(i);
            }
            // a thread that read the clock long ago may find a newer bucket: its outcome joins that one
            b.counts.addAndGet((1L << 32) | ((code >> 1) & 1));
            if ((code & SLOW) != 0) {
                b.slow.incrementAndGet();
            }
            if (code == SUCCESS && !rolled && !belowMinimum) {
                return false;
            }
            long[] c = sum(second);
            boolean below = c[0] < s.minimumCalls;
            if (below != belowMinimum) {
                belowMinimum = below;
            }
            return s.shouldOpen(c[0], c[1], c[2], 0);
        }

        private long[] sum(long second) {
            long total = 0;
            long failures = 0;
            long slow = 0;
            for (int i = 0; i < size; i++) {
                Bucket b = ring.get(i);
                if (b != null && b.second > second - size && b.second <= second) {
                    long c = b.counts.get();
                    total += c >>> 32;
                    failures += c & 0xFFFF_FFFFL;
                    slow += b.slow.get();
                }
            }
            return new long[] {total, failures, slow};
        }

        @Override
        long[] counts(long nowNanos) {
            return sum(Math.floorDiv(nowNanos, NANOS_PER_SECOND));
        }

        @Override
        boolean fits(CircuitBreaker.Settings s) {
            return s.config.windowType() == WindowType.TIME && s.config.windowSize() == size;
        }

        @Override
        Window reshape(CircuitBreaker.Settings s, long nowNanos) {
            if (s.config.windowType() != WindowType.TIME) {
                return Window.create(s); // a COUNT window cannot order the calls inside a second: start empty
            }
            TimeWindow w = new TimeWindow(s.config.windowSize());
            long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
            for (int i = 0; i < size; i++) {
                Bucket b = ring.get(i);
                if (b != null && b.second > second - w.size && b.second <= second) {
                    w.ring.set((int) Math.floorMod(b.second, (long) w.size), b); // keeps the bucket, shared counters and all
                }
            }
            w.belowMinimum = sum(second)[0] < s.minimumCalls;
            return w;
        }
    }
}
