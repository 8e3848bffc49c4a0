package dev.sinew.console.live;

/**
 * One service node of the map: whether its last scrape answered ({@code up}), its HTTP answers per
 * second and 5xx share, the one-line verdict of its {@code /diagnose}, and why it did not answer.
 */
public record ServiceView(String name, String instance, boolean up, double requestsPerSecond, double serverErrorPercent,
                          String verdict, String error, String health) {
}
