package dev.sinew.pipeline;

import dev.sinew.event.RejectionKind;

/**
 * A policy's refusal, created once per policy and returned (never thrown) through the pipeline,
 * so that refusing a call allocates nothing. The pipeline turns it into the preallocated
 * {@link RejectedException} for throwing APIs and into the preallocated {@link Outcome} for the
 * outcome API. User code never sees this class as a value.
 */
public final class Rejection {

    private final RejectedException exception;
    private final Outcome<Object> outcome;

    /** Creates the refusal of one policy of one pipeline. */
    public Rejection(RejectionKind kind, String pipeline, String policy, String reason) {
        this.exception = new RejectedException(kind, pipeline, policy, reason);
        this.outcome = Outcome.rejected(exception);
    }

    public RejectionKind kind() {
        return exception.kind();
    }

    /** The stackless exception to throw for this refusal. */
    public RejectedException exception() {
        return exception;
    }

    @SuppressWarnings("unchecked")
    <T> Outcome<T> outcome() {
        return (Outcome<T>) outcome;
    }

    @Override
    public String toString() {
        return exception.getMessage();
    }
}
