package dev.sinew.outbox;

import java.time.Duration;

/** Validation shared by the outbox, relay and inbox configurations; messages name the property key. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static IllegalArgumentException bad(String key, Object value, String expected) {
        return new IllegalArgumentException(key + ": " + value + " is not allowed; expected " + expected);
    }

    static int intRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw bad(key, value, "an integer from " + min + " to " + max);
        }
        return value;
    }

    static Duration positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw bad(key, d, "a positive duration");
        }
        return d;
    }

    static <T> T notNull(String key, T value) {
        if (value == null) {
            throw bad(key, "null", "a value");
        }
        return value;
    }
}
