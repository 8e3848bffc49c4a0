package dev.sinew.timeout;

/**
 * Thrown when a {@link Timeout} gave up on a call. Unchecked and without a stack trace: one
 * instance is created per timeout policy (and per configured duration) and reused, so a timeout
 * costs no allocation. It is a plain failure for the policies around it: a retry retries it and a
 * circuit breaker records it, unless their classifier says otherwise.
 */
public class TimeoutExceededException extends RuntimeException {

    private final String pipeline;
    private final String policy;
    private final long timeoutNanos;

    public TimeoutExceededException(String pipeline, String policy, long timeoutNanos) {
        super("pipeline '" + pipeline + "': " + policy + " gave up on the call after "
                + java.time.Duration.ofNanos(timeoutNanos), null, false, false);
        this.pipeline = pipeline;
        this.policy = policy;
        this.timeoutNanos = timeoutNanos;
    }

    /** The pipeline whose call timed out. */
    public String pipeline() {
        return pipeline;
    }

    /** The timeout policy that gave up. */
    public String policy() {
        return policy;
    }

    /** The configured timeout in nanoseconds. */
    public long timeoutNanos() {
        return timeoutNanos;
    }
}
