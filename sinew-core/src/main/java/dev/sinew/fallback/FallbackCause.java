package dev.sinew.fallback;

import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.RejectedException;

/**
 * Why a fallback was asked for an answer: exactly one of a failure exception, a failing result
 * (one the classifier counts as failed, e.g. an HTTP 503 response), or a rejection by a policy.
 * Rejections (breaker open, bulkhead full, rate limited) are told apart from call failures so a
 * fallback can, say, serve a cache when the breaker is open but report a real error otherwise.
 *
 * @param error  the call's exception, or the {@link RejectedException} of a refused call
 * @param result the failing result, when the call returned one
 */
public record FallbackCause(Throwable error, Object result) {

    /** True if a policy refused the call before it reached the downstream. */
    public boolean isRejected() {
        return error instanceof RejectedException;
    }

    /** Which policy kind refused the call, or {@code null} if the call ran and failed. */
    public RejectionKind rejectionKind() {
        return error instanceof RejectedException r ? r.kind() : null;
    }

    /** True if the call returned a value counted as failed rather than throwing. */
    public boolean isFailingResult() {
        return error == null;
    }

    /**
     * True if the failure carries {@code marker} among its suppressed exceptions, as a retry
     * policy does to say its budget denied another attempt.
     */
    public boolean hasSuppressed(Class<? extends Throwable> marker) {
        if (error == null) {
            return false;
        }
        for (Throwable s : error.getSuppressed()) {
            if (marker.isInstance(s)) {
                return true;
            }
        }
        return false;
    }
}
