package dev.sinew.chaos.gameday;

/**
 * One second of load during an experiment, for the timeline charts.
 *
 * @param at       seconds since the experiment started (its baseline window)
 * @param requests requests intended in this second
 * @param success  share served (ok or degraded), 1 without requests
 * @param ok       share served in full (no degradation), 1 without requests
 */
public record Second(int at, long requests, double success, double ok, double p50Millis, double p99Millis) {
}
