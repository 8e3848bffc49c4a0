package dev.sinew.bulkhead;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link Bulkhead}.
 *
 * <ul>
 *   <li>{@code max-concurrent} (default 25): calls allowed in flight at once, 1 to 100000.</li>
 *   <li>{@code max-wait} (default 0 = fail fast): how long a synchronous call may wait for a permit,
 *       0 to 1 day.</li>
 * </ul>
 */
public final class BulkheadConfig {

    static final int MAX_CONCURRENT_LIMIT = 100_000;
    static final Duration MAX_WAIT_LIMIT = Duration.ofDays(1);

    private final int maxConcurrent;
    private final Duration maxWait;

    private BulkheadConfig(Builder b) {
        this.maxConcurrent = b.maxConcurrent;
        this.maxWait = b.maxWait;
    }

    /** A builder with the defaults: 25 concurrent calls, no wait. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: 25 concurrent calls, no wait. */
    public static BulkheadConfig ofDefaults() {
        return builder().build();
    }

    /** A builder holding this config's settings. */
    public Builder toBuilder() {
        return new Builder().maxConcurrent(maxConcurrent).maxWait(maxWait);
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public Duration maxWait() {
        return maxWait;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BulkheadConfig c && c.maxConcurrent == maxConcurrent && c.maxWait.equals(maxWait);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxConcurrent, maxWait);
    }

    @Override
    public String toString() {
        return "BulkheadConfig[max-concurrent=" + maxConcurrent + ", max-wait=" + maxWait + "]";
    }

    /** Builds a {@link BulkheadConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int maxConcurrent = 25;
        private Duration maxWait = Duration.ZERO;

        private Builder() {
        }

        /** Calls allowed in flight at once (key {@code max-concurrent}, default 25). */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /** How long a synchronous call may wait for a permit (key {@code max-wait}, default 0: fail fast). */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the key and the bad value. */
        public BulkheadConfig build() {
            if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT_LIMIT) {
                throw new IllegalArgumentException("max-concurrent: " + maxConcurrent
                        + " is not allowed; expected an integer from 1 to " + MAX_CONCURRENT_LIMIT);
            }
            if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(MAX_WAIT_LIMIT) > 0) {
                throw new IllegalArgumentException("max-wait: " + maxWait
                        + " is not allowed; expected a duration from 0 (fail fast) to 1 day (PT24H)");
            }
            return new BulkheadConfig(this);
        }
    }
}
