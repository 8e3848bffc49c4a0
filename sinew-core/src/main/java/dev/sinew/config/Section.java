package dev.sinew.config;

import dev.sinew.time.DurationFormat;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The keys of one configuration section, e.g. everything under
 * {@code sinew.pipeline.payment.retry.}: typed reads with errors that name the full key, the bad
 * value and what is allowed, and a check that no unknown key (a typo) is present.
 */
final class Section {

    private final String prefix;
    private final Map<String, String> values;

    /** {@code values} maps short keys (e.g. {@code max-attempts}) to their text. */
    Section(String prefix, Map<String, String> values) {
        this.prefix = prefix;
        this.values = new TreeMap<>(values);
    }

    String prefix() {
        return prefix;
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String fullKey(String key) {
        return prefix + key;
    }

    /** Fails on any key outside {@code allowed}, listing the allowed ones. */
    void requireOnly(Set<String> allowed) {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new ConfigException(fullKey(k), "unknown key; allowed keys here are " + new TreeSet<>(allowed));
            }
        }
    }

    String text(String key) {
        String v = values.get(key);
        return v == null ? null : v.trim();
    }

    int integer(String key, int min, int max) {
        String v = text(key);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(fullKey(key), "'" + v + "' is not valid; expected an integer from " + min + " to " + max);
    }

    double decimal(String key, double min, double max) {
        String v = text(key);
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max && !Double.isNaN(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(fullKey(key), "'" + v + "' is not valid; expected a number from " + fmt(min) + " to " + fmt(max));
    }

    /** A percentage, written {@code 20} or {@code 20%}. */
    double percent(String key, double min, double max) {
        String v = text(key);
        String number = v.endsWith("%") ? v.substring(0, v.length() - 1).trim() : v;
        try {
            double d = Double.parseDouble(number);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(fullKey(key), "'" + v + "' is not valid; expected a percentage from " + fmt(min) + " to " + fmt(max) + " (e.g. 20 or 20%)");
    }

    Duration duration(String key, Duration min, Duration max) {
        String v = text(key);
        Duration d = DurationFormat.parse(v);
        if (d == null) {
            throw new ConfigException(fullKey(key), "'" + v + "' is not valid; expected " + DurationFormat.ALLOWED);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(fullKey(key), "'" + v + "' is out of range; expected a duration from "
                    + DurationFormat.format(min) + " to " + DurationFormat.format(max));
        }
        return d;
    }

    boolean bool(String key) {
        String v = text(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(fullKey(key), "'" + text(key) + "' is not valid; expected true or false");
        };
    }

    /** One of the given words (case-insensitive), returned in lower case. */
    String choice(String key, Set<String> allowed) {
        String v = text(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new ConfigException(fullKey(key), "'" + text(key) + "' is not valid; expected one of " + new TreeSet<>(allowed));
        }
        return v;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
