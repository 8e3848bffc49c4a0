package dev.sinew.micrometer;

import java.util.Arrays;

/** One {@code sinew.calls} series as a Prometheus scrape shows it: count and sum. */
record Calls(long count, double sumSeconds) {

    /** The series whose {@code _count} and {@code _sum} lines carry every one of {@code labels} ({@code key="value"}). */
    static Calls scraped(String scrape, String... labels) {
        return new Calls((long) value(scrape, "sinew_calls_seconds_count{", labels),
                value(scrape, "sinew_calls_seconds_sum{", labels));
    }

    private static double value(String scrape, String prefix, String... labels) {
        return scrape.lines()
                .filter(l -> l.startsWith(prefix) && Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .reduce((a, b) -> {
                    throw new AssertionError("two series match " + Arrays.toString(labels));
                })
                .orElseThrow(() -> new AssertionError("no " + prefix + " series with " + Arrays.toString(labels) + " in\n" + scrape));
    }
}
