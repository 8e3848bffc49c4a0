package dev.sinew.pipeline;

import dev.sinew.event.RejectionKind;

/**
 * Thrown when a policy refused a call before it reached the downstream: breaker open, bulkhead
 * full, rate limited, switched off. It carries no stack trace and is created once per policy, so
 * a rejection costs no allocation; the message names the pipeline, the policy and the reason.
 */
public class RejectedException extends RuntimeException {

    private final RejectionKind kind;
    private final String pipeline;
    private final String policy;

    public RejectedException(RejectionKind kind, String pipeline, String policy, String reason) {
        super("pipeline '" + pipeline + "': " + policy + " rejected the call (" + kind + "): " + reason,
                null, false, false);
        this.kind = kind;
        this.pipeline = pipeline;
        this.policy = policy;
    }

    /** Why the call was refused. */
    public RejectionKind kind() {
        return kind;
    }

    /** The pipeline that refused the call. */
    public String pipeline() {
        return pipeline;
    }

    /** The policy that refused the call. */
    public String policy() {
        return policy;
    }
}
