package dev.sinew.event;

/**
 * Receives everything that happens inside a pipeline: one interface for metrics, traces and the
 * console. Every method has an empty default, so a listener implements only what it needs.
 *
 * <p>Callbacks run on the calling thread (or the thread completing an async call) and must be
 * quick and must not throw. When no listener is set a pipeline does no listener work at all,
 * not even reading the clock for durations; when no listener {@linkplain #observesCalls() observes
 * calls} it reads no clock for them either.
 *
 * <p>Either {@code error} or {@code result} is set for failures: a failure is an exception or a
 * result that the pipeline's classifier counts as failed (for example an HTTP 503 response).
 */
public interface PipelineListener {

    /** The listener that ignores everything; pipelines use it when nobody listens. */
    PipelineListener NONE = new PipelineListener() {
        @Override
        public boolean observesCalls() {
            return false;
        }
    };

    /**
     * Whether this listener wants {@link #onSuccess} and {@link #onFailure}. Timing a call costs
     * the pipeline two clock readings per call, so a listener that only reacts to policy events
     * (retries, rejections, state changes) answers {@code false}, and a pipeline none of whose
     * listeners observe calls skips the timing and the two callbacks. Read when the listener is
     * attached. Default {@code true}.
     */
    default boolean observesCalls() {
        return true;
    }

    /** A call through the whole pipeline returned a value counted as success. */
    default void onSuccess(String pipeline, long durationNanos) {
    }

    /** A call through the whole pipeline ended in a failure (an exception or a failing result). */
    default void onFailure(String pipeline, long durationNanos, Throwable error, Object result) {
    }

    /** A policy refused the call before it reached the downstream. */
    default void onRejected(String pipeline, String policy, RejectionKind kind) {
    }

    /** An attempt failed and another is scheduled after {@code delayNanos}; {@code attempt} is 1-based. */
    default void onRetry(String pipeline, String policy, int attempt, long delayNanos, Throwable error, Object result) {
    }

    /** An attempt failed and could have been retried, but the retry budget had no token left. */
    default void onRetryDenied(String pipeline, String policy, int attempt, Throwable error, Object result) {
    }

    /** The last allowed attempt failed; the failure goes to the caller (or the fallback). */
    default void onRetriesExhausted(String pipeline, String policy, int attempts, Throwable error, Object result) {
    }

    /** A timeout policy gave up on a call after {@code timeoutNanos}. */
    default void onTimeout(String pipeline, String policy, long timeoutNanos) {
    }

    /** A circuit breaker changed state. */
    default void onStateChange(String pipeline, String policy, CircuitState from, CircuitState to) {
    }

    /**
     * A fallback produced the answer instead of the downstream. {@code rejection} is set when the
     * call was refused by a policy rather than failed.
     */
    default void onFallback(String pipeline, String policy, Throwable error, Object result, RejectionKind rejection) {
    }
}
