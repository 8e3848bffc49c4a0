package dev.sinew.console.incident;

/**
 * One line of an incident's timeline.
 *
 * @param kind {@code opened}, {@code alert}, {@code alert_resolved}, {@code breaker}, {@code control},
 *             {@code config}, {@code fault}, {@code probe}, {@code note}, {@code resolved}
 */
public record TimelineEntry(long atMillis, String kind, String text) {
}
