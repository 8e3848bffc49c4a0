package dev.sinew.chaos.gameday;

/** A combination of target and fault the suite does not run, and why. */
public record Skipped(String target, String fault, String reason) {
}
