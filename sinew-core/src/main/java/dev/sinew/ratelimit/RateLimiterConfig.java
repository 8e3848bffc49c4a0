package dev.sinew.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link RateLimiter}: a token bucket refilled at {@code permits-per-second}
 * holding at most {@code burst} permits.
 *
 * <ul>
 *   <li>{@code permits-per-second} (required): the sustained rate, from 0.001 to 1000000000;
 *       {@link Builder#rate(int, Duration)} sets it as permits per period.</li>
 *   <li>{@code burst} (default one second's worth of permits, at least 1): how many permits may be
 *       taken at once after a quiet period, 1 to 1000000.</li>
 *   <li>{@code max-wait} (default 0 = take a permit now or be refused): how long a call may wait
 *       for a permit, 0 to 1 day.</li>
 * </ul>
 */
public final class RateLimiterConfig {

    static final double MIN_RATE = 0.001;
    static final double MAX_RATE = 1_000_000_000d;
    static final int MAX_BURST = 1_000_000;
    static final Duration MAX_WAIT_LIMIT = Duration.ofDays(1);

    private final double permitsPerSecond;
    private final int burst;
    private final Duration maxWait;

    private RateLimiterConfig(double permitsPerSecond, int burst, Duration maxWait) {
        this.permitsPerSecond = permitsPerSecond;
        this.burst = burst;
        this.maxWait = maxWait;
    }

    /** A builder; {@code permits-per-second} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A limiter config with the given rate and default burst and wait. */
    public static RateLimiterConfig of(double permitsPerSecond) {
        return builder().permitsPerSecond(permitsPerSecond).build();
    }

    /** A builder holding this config's settings. */
    public Builder toBuilder() {
        return new Builder().permitsPerSecond(permitsPerSecond).burst(burst).maxWait(maxWait);
    }

    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    public int burst() {
        return burst;
    }

    public Duration maxWait() {
        return maxWait;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimiterConfig c && Double.compare(c.permitsPerSecond, permitsPerSecond) == 0
                && c.burst == burst && c.maxWait.equals(maxWait);
    }

    @Override
    public int hashCode() {
        return Objects.hash(permitsPerSecond, burst, maxWait);
    }

    @Override
    public String toString() {
        return "RateLimiterConfig[permits-per-second=" + permitsPerSecond + ", burst=" + burst
                + ", max-wait=" + maxWait + "]";
    }

    /** Builds a {@link RateLimiterConfig}; {@link #build()} validates. */
    public static final class Builder {
        private double permitsPerSecond = Double.NaN;
        private Integer burst;
        private Duration maxWait = Duration.ZERO;

        private Builder() {
        }

        /** The sustained rate (key {@code permits-per-second}; required). */
        public Builder permitsPerSecond(double permitsPerSecond) {
            this.permitsPerSecond = permitsPerSecond;
            return this;
        }

        /** The sustained rate as {@code permits} per {@code period}, e.g. {@code rate(100, Duration.ofMinutes(1))}. */
        public Builder rate(int permits, Duration period) {
            if (period == null || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("permits-per-second: a rate of " + permits + " per " + period
                        + " is not allowed; expected a period greater than 0");
            }
            this.permitsPerSecond = permits / (period.toNanos() / 1e9);
            return this;
        }

        /** Permits that may be taken at once after a quiet period (key {@code burst}, default one second's worth). */
        public Builder burst(int burst) {
            this.burst = burst;
            return this;
        }

        /** How long a call may wait for a permit (key {@code max-wait}, default 0: try now only). */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the key and the bad value. */
        public RateLimiterConfig build() {
            if (Double.isNaN(permitsPerSecond)) {
                throw new IllegalArgumentException(
                        "permits-per-second: missing; expected a number from 0.001 to 1000000000");
            }
            if (!(permitsPerSecond >= MIN_RATE && permitsPerSecond <= MAX_RATE)) {
                throw new IllegalArgumentException("permits-per-second: " + permitsPerSecond
                        + " is not allowed; expected a number from 0.001 to 1000000000");
            }
            int b = burst != null ? burst : (int) Math.max(1, Math.min(MAX_BURST, Math.floor(permitsPerSecond)));
            if (b < 1 || b > MAX_BURST) {
                throw new IllegalArgumentException("burst: " + b
                        + " is not allowed; expected an integer from 1 to " + MAX_BURST);
            }
            if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(MAX_WAIT_LIMIT) > 0) {
                throw new IllegalArgumentException("max-wait: " + maxWait
                        + " is not allowed; expected a duration from 0 (try now only) to 1 day (PT24H)");
            }
            return new RateLimiterConfig(permitsPerSecond, b, maxWait);
        }
    }
}
