package dev.sinew.retry;

import dev.sinew.time.DurationFormat;

import java.time.Duration;

/** Validation and formatting shared by the retry configuration classes. */
final class Checks {

    private Checks() {
    }

    /** The error for a bad setting, naming the property key, the value and what is allowed. */
    static IllegalArgumentException bad(String key, Object value, String expected) {
        return new IllegalArgumentException(key + ": " + value + " is not allowed; expected " + expected);
    }

    /** {@code d} in nanoseconds, saturated to {@code Long.MAX_VALUE / 4} so that sums never overflow. */
    static long nanos(Duration d) {
        long limit = Long.MAX_VALUE / 4;
        if (d.compareTo(Duration.ofNanos(limit)) >= 0) {
            return limit;
        }
        if (d.compareTo(Duration.ofNanos(-limit)) <= 0) {
            return -limit;
        }
        return d.toNanos();
    }

    /** Requires {@code d >= 0} (or {@code > 0} when {@code positive}). */
    static long duration(String key, Duration d, boolean positive) {
        if (d == null) {
            throw bad(key, "null", positive ? "a positive duration" : "a duration of zero or more");
        }
        if (d.isNegative() || (positive && d.isZero())) {
            throw bad(key, format(d), positive ? "a positive duration" : "a duration of zero or more");
        }
        return nanos(d);
    }

    /** A short human form such as {@code 100ms}, {@code 10s} or {@code 1500us}. */
    static String format(Duration d) {
        return DurationFormat.format(d);
    }

    static String formatNanos(long nanos) {
        return format(Duration.ofNanos(nanos));
    }
}
