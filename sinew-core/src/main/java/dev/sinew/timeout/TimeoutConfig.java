package dev.sinew.timeout;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link Timeout}.
 *
 * <ul>
 *   <li>{@code duration} (default 10 s): how long a call may run; greater than 0 and at most 1 day.</li>
 *   <li>{@code interrupt} (default true): interrupt the calling thread when the deadline passes.
 *       Without interrupting, a synchronous call always runs to its end and the caller gets the
 *       timeout afterwards.</li>
 * </ul>
 */
public final class TimeoutConfig {

    static final Duration MAX_DURATION = Duration.ofDays(1);

    private final Duration duration;
    private final boolean interrupt;

    private TimeoutConfig(Builder b) {
        this.duration = b.duration;
        this.interrupt = b.interrupt;
    }

    /** A builder with the defaults: 10 s, interrupting. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: 10 s, interrupting. */
    public static TimeoutConfig ofDefaults() {
        return builder().build();
    }

    /** A config with the given duration and otherwise default settings. */
    public static TimeoutConfig of(Duration duration) {
        return builder().duration(duration).build();
    }

    /** A builder holding this config's settings. */
    public Builder toBuilder() {
        return new Builder().duration(duration).interrupt(interrupt);
    }

    public Duration duration() {
        return duration;
    }

    public boolean interrupt() {
        return interrupt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeoutConfig c && c.duration.equals(duration) && c.interrupt == interrupt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(duration, interrupt);
    }

    @Override
    public String toString() {
        return "TimeoutConfig[duration=" + duration + ", interrupt=" + interrupt + "]";
    }

    /** Builds a {@link TimeoutConfig}; {@link #build()} validates. */
    public static final class Builder {
        private Duration duration = Duration.ofSeconds(10);
        private boolean interrupt = true;

        private Builder() {
        }

        /** How long a call may run (key {@code duration}, default 10 s). */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** Whether to interrupt the call when the deadline passes (key {@code interrupt}, default true). */
        public Builder interrupt(boolean interrupt) {
            this.interrupt = interrupt;
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the key and the bad value. */
        public TimeoutConfig build() {
            if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("duration: " + duration
                        + " is not allowed; expected a duration greater than 0 and at most 1 day (PT24H)");
            }
            return new TimeoutConfig(this);
        }
    }
}
