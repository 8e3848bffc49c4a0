package dev.sinew.console.incident;

/** A fault action taken from the console while (or shortly before) an incident was open: when, on which node, which action. */
public record FaultRecord(long atMillis, String node, String action) {
}
