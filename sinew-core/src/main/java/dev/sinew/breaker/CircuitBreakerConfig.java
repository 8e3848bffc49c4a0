package dev.sinew.breaker;

import dev.sinew.pipeline.Classifier;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link CircuitBreaker}. Build with {@link #builder()}; change a live
 * breaker with {@link CircuitBreaker#reconfigure(CircuitBreakerConfig)}, which keeps its state.
 *
 * <p>Keys (as used in properties) and defaults:
 * <ul>
 *   <li>{@code window-type}: {@link WindowType#COUNT} (the last N calls) or {@link WindowType#TIME} (the last N seconds); default COUNT</li>
 *   <li>{@code window-size}: calls (COUNT, 1 to 1,000,000) or seconds (TIME, 1 to 3600); default 100</li>
 *   <li>{@code minimum-calls}: calls in the window before any rate is judged; default 10, or the window size of a smaller COUNT window</li>
 *   <li>{@code failure-rate-threshold}: percent of failed calls that opens the breaker, (0, 100]; default 50</li>
 *   <li>{@code slow-call-rate-threshold}: percent of slow calls that opens the breaker, (0, 100]; default 100, meaning off</li>
 *   <li>{@code slow-call-duration}: a call taking at least this long is slow; default 60 s</li>
 *   <li>{@code open-duration}: how long the breaker stays open the first time; default 30 s</li>
 *   <li>{@code open-duration-multiplier}: growth of the open duration per consecutive re-open, 1 to 100; default 1 (fixed)</li>
 *   <li>{@code max-open-duration}: cap of the grown open duration; default the larger of 10 min and open-duration</li>
 *   <li>{@code open-duration-jitter}: open durations are spread uniformly over ±this fraction, 0 to 1; default 0</li>
 *   <li>{@code half-open-probes}: number of probe calls let through when half-open, 1 to 10,000; default 5</li>
 * </ul>
 */
public final class CircuitBreakerConfig {

    /** Largest count window: outcome counts are packed in 21-bit fields. */
    public static final int MAX_COUNT_WINDOW = 1_000_000;
    /** Largest time window, in seconds. */
    public static final int MAX_TIME_WINDOW_SECONDS = 3600;
    /** Largest number of half-open probes. */
    public static final int MAX_HALF_OPEN_PROBES = 10_000;

    private static final Duration DEFAULT_MAX_OPEN = Duration.ofMinutes(10);

    private final WindowType windowType;
    private final int windowSize;
    private final Integer minimumCallsSet;
    private final int minimumCalls;
    private final double failureRateThreshold;
    private final double slowCallRateThreshold;
    private final Duration slowCallDuration;
    private final Duration openDuration;
    private final double openDurationMultiplier;
    private final Duration maxOpenDurationSet;
    private final Duration maxOpenDuration;
    private final double openDurationJitter;
    private final int halfOpenProbes;
    private final Classifier classifier;

    private CircuitBreakerConfig(Builder b) {
        this.windowType = b.windowType;
        this.windowSize = b.windowSize;
        this.minimumCallsSet = b.minimumCalls;
        this.minimumCalls = b.minimumCalls != null ? b.minimumCalls
                : windowType == WindowType.COUNT ? Math.min(10, windowSize) : 10;
        this.failureRateThreshold = b.failureRateThreshold;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
        this.slowCallDuration = b.slowCallDuration;
        this.openDuration = b.openDuration;
        this.openDurationMultiplier = b.openDurationMultiplier;
        this.maxOpenDurationSet = b.maxOpenDuration;
        this.maxOpenDuration = b.maxOpenDuration != null ? b.maxOpenDuration
                : (openDuration.compareTo(DEFAULT_MAX_OPEN) > 0 ? openDuration : DEFAULT_MAX_OPEN);
        this.openDurationJitter = b.openDurationJitter;
        this.halfOpenProbes = b.halfOpenProbes;
        this.classifier = b.classifier;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: count window of 100 calls, 50% failures open for 30 s, 5 probes. */
    public static CircuitBreakerConfig defaults() {
        return builder().build();
    }

    /** A builder holding these settings, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.windowType = windowType;
        b.windowSize = windowSize;
        b.minimumCalls = minimumCallsSet;
        b.failureRateThreshold = failureRateThreshold;
        b.slowCallRateThreshold = slowCallRateThreshold;
        b.slowCallDuration = slowCallDuration;
        b.openDuration = openDuration;
        b.openDurationMultiplier = openDurationMultiplier;
        b.maxOpenDuration = maxOpenDurationSet;
        b.openDurationJitter = openDurationJitter;
        b.halfOpenProbes = halfOpenProbes;
        b.classifier = classifier;
        return b;
    }

    /** COUNT (the last N calls) or TIME (the last N seconds); key {@code window-type}. */
    public WindowType windowType() {
        return windowType;
    }

    /** Calls (COUNT window) or seconds (TIME window); key {@code window-size}. */
    public int windowSize() {
        return windowSize;
    }

    /** Calls needed in the window before a rate can open the breaker; key {@code minimum-calls}. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** Failure percentage, (0, 100], at or above which the breaker opens; key {@code failure-rate-threshold}. */
    public double failureRateThreshold() {
        return failureRateThreshold;
    }

    /** Slow-call percentage, (0, 100]; 100 means slow calls never open the breaker; key {@code slow-call-rate-threshold}. */
    public double slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    /** True when slow calls can open the breaker (threshold below 100). */
    public boolean slowCallsTracked() {
        return slowCallRateThreshold < 100.0;
    }

    /** A call taking at least this long is slow; key {@code slow-call-duration}. */
    public Duration slowCallDuration() {
        return slowCallDuration;
    }

    /** Open time of the first opening; key {@code open-duration}. */
    public Duration openDuration() {
        return openDuration;
    }

    /** Growth factor per consecutive re-open (1 = fixed); key {@code open-duration-multiplier}. */
    public double openDurationMultiplier() {
        return openDurationMultiplier;
    }

    /** Cap of the grown open duration, before jitter; key {@code max-open-duration}. */
    public Duration maxOpenDuration() {
        return maxOpenDuration;
    }

    /** Fraction by which each open duration is spread either way; key {@code open-duration-jitter}. */
    public double openDurationJitter() {
        return openDurationJitter;
    }

    /** Probe calls let through when half-open; key {@code half-open-probes}. */
    public int halfOpenProbes() {
        return halfOpenProbes;
    }

    /** The breaker's own classifier, or {@code null} to use the pipeline's. */
    public Classifier classifier() {
        return classifier;
    }

    @Override
    public String toString() {
        return "CircuitBreakerConfig[window-type=" + windowType + ", window-size=" + windowSize
                + ", minimum-calls=" + minimumCalls + ", failure-rate-threshold=" + failureRateThreshold
                + ", slow-call-rate-threshold=" + slowCallRateThreshold + ", slow-call-duration=" + slowCallDuration
                + ", open-duration=" + openDuration + ", open-duration-multiplier=" + openDurationMultiplier
                + ", max-open-duration=" + maxOpenDuration + ", open-duration-jitter=" + openDurationJitter
                + ", half-open-probes=" + halfOpenProbes + "]";
    }

    /** Builds a {@link CircuitBreakerConfig}; {@link #build()} validates every setting. */
    public static final class Builder {
        private WindowType windowType = WindowType.COUNT;
        private int windowSize = 100;
        private Integer minimumCalls;
        private double failureRateThreshold = 50.0;
        private double slowCallRateThreshold = 100.0;
        private Duration slowCallDuration = Duration.ofSeconds(60);
        private Duration openDuration = Duration.ofSeconds(30);
        private double openDurationMultiplier = 1.0;
        private Duration maxOpenDuration;
        private double openDurationJitter = 0.0;
        private int halfOpenProbes = 5;
        private Classifier classifier;

        private Builder() {
        }

        /** COUNT: the last {@code window-size} calls; TIME: the calls of the last {@code window-size} seconds. */
        public Builder windowType(WindowType type) {
            this.windowType = Objects.requireNonNull(type, "window-type");
            return this;
        }

        /** Calls for a COUNT window (1 to 1,000,000), seconds for a TIME window (1 to 3600). */
        public Builder windowSize(int size) {
            this.windowSize = size;
            return this;
        }

        /** Calls needed in the window before a rate can open the breaker. */
        public Builder minimumCalls(int calls) {
            this.minimumCalls = calls;
            return this;
        }

        /** Failure percentage at or above which the breaker opens. */
        public Builder failureRateThreshold(double percent) {
            this.failureRateThreshold = percent;
            return this;
        }

        /** Slow-call percentage at or above which the breaker opens; 100 turns slow-call tracking off. */
        public Builder slowCallRateThreshold(double percent) {
            this.slowCallRateThreshold = percent;
            return this;
        }

        /** A call taking at least this long counts as slow (also while still in flight). */
        public Builder slowCallDuration(Duration d) {
            this.slowCallDuration = d;
            return this;
        }

        /** Time the breaker stays open before letting probes through. */
        public Builder openDuration(Duration d) {
            this.openDuration = d;
            return this;
        }

        /** Each consecutive re-open multiplies the open duration by this (1 = fixed). */
        public Builder openDurationMultiplier(double multiplier) {
            this.openDurationMultiplier = multiplier;
            return this;
        }

        /** Upper bound of the grown open duration (before jitter). */
        public Builder maxOpenDuration(Duration d) {
            this.maxOpenDuration = d;
            return this;
        }

        /** Spreads each open duration uniformly over ±{@code fraction} of it (0 to 1). */
        public Builder openDurationJitter(double fraction) {
            this.openDurationJitter = fraction;
            return this;
        }

        /** Number of probe calls let through when half-open; their outcomes decide. */
        public Builder halfOpenProbes(int probes) {
            this.halfOpenProbes = probes;
            return this;
        }

        /** What counts as a failure for this breaker; {@code null} uses the pipeline's classifier. */
        public Builder classifier(Classifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the bad key. */
        public CircuitBreakerConfig build() {
            if (windowType == WindowType.COUNT) {
                if (windowSize < 1 || windowSize > MAX_COUNT_WINDOW) {
                    throw new IllegalArgumentException("window-size: " + windowSize
                            + " is not allowed for a COUNT window; expected a number of calls from 1 to " + MAX_COUNT_WINDOW);
                }
            } else if (windowSize < 1 || windowSize > MAX_TIME_WINDOW_SECONDS) {
                throw new IllegalArgumentException("window-size: " + windowSize
                        + " is not allowed for a TIME window; expected a number of seconds from 1 to " + MAX_TIME_WINDOW_SECONDS);
            }
            if (minimumCalls != null) {
                int max = windowType == WindowType.COUNT ? windowSize : Integer.MAX_VALUE;
                if (minimumCalls < 1 || minimumCalls > max) {
                    throw new IllegalArgumentException("minimum-calls: " + minimumCalls + " is not allowed; expected an integer from 1 to "
                            + (windowType == WindowType.COUNT ? windowSize + " (the window-size of this COUNT window)" : max));
                }
            }
            percent("failure-rate-threshold", failureRateThreshold);
            percent("slow-call-rate-threshold", slowCallRateThreshold);
            positive("slow-call-duration", slowCallDuration);
            positive("open-duration", openDuration);
            if (!(openDurationMultiplier >= 1.0 && openDurationMultiplier <= 100.0)) {
                throw new IllegalArgumentException("open-duration-multiplier: " + openDurationMultiplier
                        + " is not allowed; expected a number from 1 (fixed duration) to 100");
            }
            if (maxOpenDuration != null) {
                positive("max-open-duration", maxOpenDuration);
                if (maxOpenDuration.compareTo(openDuration) < 0) {
                    throw new IllegalArgumentException("max-open-duration: " + maxOpenDuration
                            + " is not allowed; expected at least the open-duration " + openDuration);
                }
            }
            if (!(openDurationJitter >= 0.0 && openDurationJitter <= 1.0)) {
                throw new IllegalArgumentException("open-duration-jitter: " + openDurationJitter
                        + " is not allowed; expected a fraction from 0 to 1");
            }
            if (halfOpenProbes < 1 || halfOpenProbes > MAX_HALF_OPEN_PROBES) {
                throw new IllegalArgumentException("half-open-probes: " + halfOpenProbes
                        + " is not allowed; expected an integer from 1 to " + MAX_HALF_OPEN_PROBES);
            }
            return new CircuitBreakerConfig(this);
        }

        private static void percent(String key, double v) {
            if (!(v > 0.0 && v <= 100.0)) {
                throw new IllegalArgumentException(key + ": " + v + " is not allowed; expected a percentage above 0 and at most 100");
            }
        }

        private static void positive(String key, Duration d) {
            if (d == null) {
                throw new IllegalArgumentException(key + ": a duration is required");
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + ": " + d + " is not allowed; expected a positive duration");
            }
            if (d.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException(key + ": " + d + " is not allowed; expected at most 365 days");
            }
        }
    }
}
