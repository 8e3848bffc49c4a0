package dev.sinew.micrometer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The duration histogram of one {@code sinew.calls} series: fixed bucket boundaries, counts and
 * sum in striped cells, a recent maximum. What a Micrometer timer does per record, without its two
 * wall-clock readings and with no shared cache line between threads on different stripes.
 *
 * <p>{@link #record} is lock-free, allocates nothing and reads no clock: one bucket search over the
 * boundaries (small durations end it at the first ones), two atomic adds in the calling thread's
 * stripe, and one plain read of the current maximum (a CAS only when the duration is a new maximum).
 * Stripes are picked by thread id, a fixed power of two of them (twice the processors, at most 64),
 * each on its own cache lines, so threads on different stripes never contend.
 *
 * <p>The count is the sum of the bucket counts, so {@code _count} and the {@code +Inf} bucket of a
 * snapshot always agree; the sum is read after the buckets and may include a record whose bucket
 * the snapshot missed (the same tolerance as Prometheus' own client). The maximum covers about the
 * last one to two {@linkplain #MAX_WINDOW_MILLIS windows}: the reader ({@link #max}) rotates it when a
 * window has passed, so it needs no clock on the call path.
 */
final class CallHistogram {

    /** How long a maximum stays reported: between one and two of these after it was recorded. */
    static final long MAX_WINDOW_MILLIS = 60_000;

    private static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());
    /** Longs per cache line, and a line of padding between stripes (adjacent-line prefetch). */
    private static final int LINE = 8;

    private final long[] bounds;
    private final int buckets;   // bounds.length + 1 (the last one is +Inf)
    private final int sumIndex;  // index of the sum within a stripe
    private final int stride;    // longs per stripe, padded
    private final AtomicLongArray cells;
    private final AtomicLongArray maxima = new AtomicLongArray(2 * LINE); // two slots a line apart
    private volatile int maxSlot;
    private long rotatedAtMillis = Long.MIN_VALUE; // guarded by this (readers only)

    /** A histogram with the given finite upper bounds, smallest first (+Inf is implied). */
    CallHistogram(Duration[] upperBounds) {
        this.bounds = new long[upperBounds.length];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = upperBounds[i].toNanos();
            if (i > 0 && bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must increase: " + upperBounds[i - 1] + ", " + upperBounds[i]);
            }
        }
        this.buckets = bounds.length + 1;
        this.sumIndex = buckets;
        this.stride = ((buckets + 1 + LINE - 1) / LINE + 1) * LINE;
        this.cells = new AtomicLongArray(STRIPES * stride);
    }

    static int stripes(int processors) {
        int n = Integer.highestOneBit(Math.max(1, processors) * 2 - 1) << 1;
        return Math.min(64, Math.max(2, n));
    }

    /** Records one call of {@code nanos} (negative durations, a broken clock, count as 0). */
    void record(long nanos) {
        long d = Math.max(0L, nanos);
        long[] b = bounds;
        int i = 0;
        while (i < b.length && d > b[i]) {
            i++;
        }
        int base = stripe() * stride;
        cells.getAndIncrement(base + i);
        cells.getAndAdd(base + sumIndex, d);
        int slot = maxSlot;
        long max = maxima.get(slot);
        while (d > max && !maxima.weakCompareAndSetVolatile(slot, max, d)) {
            max = maxima.get(slot);
        }
    }

    private int stripe() {
        long id = Thread.currentThread().getId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 58) & (STRIPES - 1);
    }

    /** Upper bounds of the finite buckets, in nanoseconds. */
    long[] boundsNanos() {
        return bounds.clone();
    }

    /**
     * Non-cumulative counts per bucket (the last one is above every bound) added up over the
     * stripes, in a new array; their sum is the count.
     */
    long[] bucketCounts() {
        long[] counts = new long[buckets];
        for (int s = 0; s < STRIPES; s++) {
            int base = s * stride;
            for (int i = 0; i < buckets; i++) {
                counts[i] += cells.get(base + i);
            }
        }
        return counts;
    }

    /** Calls recorded so far. */
    long count() {
        long n = 0;
        for (long c : bucketCounts()) {
            n += c;
        }
        return n;
    }

    /** Total recorded time in nanoseconds. */
    long sumNanos() {
        long sum = 0;
        for (int s = 0; s < STRIPES; s++) {
            sum += cells.get(s * stride + sumIndex);
        }
        return sum;
    }

    /**
     * The largest duration recorded since the rotation before the last one, in nanoseconds, 0 when
     * none; {@code nowMillis} is the wall clock of the reader (the scrape), which rotates when a
     * window has passed since the last rotation. Scraped at least once a window, that is the last
     * one to two windows; scraped less often, the time since the scrape before the last.
     */
    synchronized long max(long nowMillis) {
        if (rotatedAtMillis == Long.MIN_VALUE) {
            rotatedAtMillis = nowMillis;
        } else if (nowMillis - rotatedAtMillis >= MAX_WINDOW_MILLIS) {
            int next = maxSlot == 0 ? LINE : 0;
            maxima.set(next, 0); // the older window goes; the one that just ended stays reported
            maxSlot = next;
            rotatedAtMillis = nowMillis;
        }
        return Math.max(maxima.get(0), maxima.get(LINE));
    }
}
