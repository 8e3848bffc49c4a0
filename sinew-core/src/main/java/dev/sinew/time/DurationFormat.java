package dev.sinew.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as written by people: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT2S}. */
public final class DurationFormat {

    /** What the parser accepts, for error messages. */
    public static final String ALLOWED = "a duration like 250ms, 2s, 1.5s, 5m, 1h or PT2S";

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)");

    private DurationFormat() {
    }

    /** The duration, or {@code null} if {@code text} is not one. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double nanosPerUnit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
            };
            double nanos = amount * nanosPerUnit;
            if (nanos > Long.MAX_VALUE) {
                return null;
            }
            return Duration.ofNanos(Math.round(nanos));
        }
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** Formats a duration the way {@link #parse} reads it, choosing the largest exact unit. */
    public static String format(Duration d) {
        if (d == null) {
            return "null";
        }
        if (d.abs().compareTo(Duration.ofDays(365)) > 0) {
            return d.toString();
        }
        long nanos = d.toNanos();
        if (nanos % 3_600_000_000_000L == 0 && nanos != 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0 && nanos != 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }
}
