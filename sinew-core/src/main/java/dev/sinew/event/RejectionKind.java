package dev.sinew.event;

/** Why a call was refused before it reached the downstream. */
public enum RejectionKind {
    /** The circuit breaker is open (or forced open, or half-open with no probe permit left). */
    CIRCUIT_OPEN,
    /** The bulkhead is at its concurrency limit and the wait, if any, ran out. */
    BULKHEAD_FULL,
    /** The rate limiter had no permit and the wait, if any, ran out. */
    RATE_LIMITED,
    /** A switch (operator decision, read-only mode, degradation) refused the call. */
    SWITCHED_OFF
}
