package dev.sinew.console.history;

/** One second of one edge in the history: calls per second, failed percent, p99 (ms, NaN without calls), breaker. */
public record HistoryPoint(long t, double rate, double err, double p99, String breaker) {
}
