package dev.sinew.micrometer;

import java.time.Duration;

/**
 * The histogram buckets of every latency timer Sinew registers (use {@code Timer.builder(..).serviceLevelObjectives(LatencyBuckets.boundaries())}): 14 fixed boundaries from 1 ms to
 * 10 s (plus +Inf), enough for {@code histogram_quantile} and SLO thresholds at 25, 50, 100, 250
 * and 500 ms. Micrometer's percentile histogram would publish ~70 buckets per series, five times
 * the series for Prometheus to store and a longer bucket search on every recorded call.
 */
public final class LatencyBuckets {

    private static final Duration[] BOUNDARIES = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private LatencyBuckets() {
    }

    /** The bucket boundaries, smallest first (a copy). */
    public static Duration[] boundaries() {
        return BOUNDARIES.clone();
    }
}
