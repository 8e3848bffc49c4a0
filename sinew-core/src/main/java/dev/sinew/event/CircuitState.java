package dev.sinew.event;

/** The states of a circuit breaker, as reported in state-change events. */
public enum CircuitState {
    /** Calls flow; outcomes are recorded in the sliding window. */
    CLOSED,
    /** Calls are rejected until the open duration has passed. */
    OPEN,
    /** A fixed number of probe calls decide whether to close or re-open. */
    HALF_OPEN,
    /** Forced open by an operator: every call is rejected until reset. */
    FORCED_OPEN,
    /** Disabled by an operator: every call is permitted and nothing is recorded. */
    DISABLED
}
