package dev.sinew.breaker;

/** How a circuit breaker's sliding window is measured. */
public enum WindowType {
    /** The outcomes of the last {@code window-size} calls. */
    COUNT,
    /** The outcomes of the calls that ended in the last {@code window-size} seconds. */
    TIME
}
