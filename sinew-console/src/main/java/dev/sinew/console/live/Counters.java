package dev.sinew.console.live;

import java.util.Arrays;

/**
 * Cumulative counts of one series at one scrape: calls, failed calls and the latency histogram
 * (bucket upper bounds in seconds, ascending, with their cumulative counts).
 */
record Counters(long atMillis, double total, double failed, double[] bounds, double[] buckets) {

    static final Counters ZERO = new Counters(0, 0, 0, new double[0], new double[0]);

    /** The change from {@code earlier} to this, or this whole when a counter went down (a restart). */
    Counters since(Counters earlier) {
        if (earlier == null || total < earlier.total || failed < earlier.failed
                || !Arrays.equals(bounds, earlier.bounds)) {
            return this;
        }
        double[] d = new double[buckets.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(0, buckets[i] - earlier.buckets[i]);
        }
        return new Counters(atMillis - earlier.atMillis, total - earlier.total, failed - earlier.failed, bounds, d);
    }

    /**
     * The 0.99 quantile in milliseconds from cumulative bucket counts, interpolated linearly inside
     * the bucket (as Prometheus' histogram_quantile does); NaN with no calls.
     */
    double p99Ms() {
        if (total <= 0 || buckets.length == 0) {
            return Double.NaN;
        }
        double rank = 0.99 * buckets[buckets.length - 1];
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] >= rank) {
                double upper = bounds[i];
                if (Double.isInfinite(upper)) {
                    return lowerBound * 1000;
                }
                double inBucket = buckets[i] - lowerCount;
                double frac = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                return (lowerBound + (upper - lowerBound) * frac) * 1000;
            }
            lowerBound = bounds[i];
            lowerCount = buckets[i];
        }
        return lowerBound * 1000;
    }
}
