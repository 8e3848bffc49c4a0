package dev.sinew.shop.diagnose;

/** Fixed latency buckets (upper bounds in ms) for the last-minute p99 of a dependency. */
final class LatencyBuckets {

    static final long[] BOUNDS_MS = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 250, 300, 400, 500, 600,
        800, 1000, 1500, 2000, 3000, 5000, 10000, Long.MAX_VALUE};

    private LatencyBuckets() {
    }

    /** The bucket of a duration (binary search, no allocation). */
    static int of(long nanos) {
        long ms = (nanos + 999_999) / 1_000_000;
        int lo = 0;
        int hi = BOUNDS_MS.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (BOUNDS_MS[mid] >= ms) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * The upper bound (ms) of the bucket holding the {@code q} quantile of {@code counts[offset..]},
     * -1 without data, and the largest finite bound + 1 for the overflow bucket.
     */
    static long quantileMs(long[] counts, int offset, double q) {
        long total = 0;
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            total += counts[offset + i];
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            seen += counts[offset + i];
            if (seen >= rank) {
                return i == BOUNDS_MS.length - 1 ? BOUNDS_MS[i - 1] + 1 : BOUNDS_MS[i];
            }
        }
        return BOUNDS_MS[BOUNDS_MS.length - 2] + 1;
    }
}
