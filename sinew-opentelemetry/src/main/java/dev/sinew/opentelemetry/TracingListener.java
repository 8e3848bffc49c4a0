package dev.sinew.opentelemetry;

import dev.sinew.event.CircuitState;
import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * Turns pipeline events into events on the current span: the call's span when a
 * {@link TracingPolicy} opened one, otherwise whatever span the caller has current (an HTTP
 * server span, say). Does nothing when the current span is not recording (not sampled, or none).
 * Event names and attributes are in {@link TracingNames}.
 *
 * <p>It does not {@linkplain #observesCalls() observe calls}: the {@link TracingPolicy} sees each
 * call's outcome itself, so a pipeline that is only traced does not time its calls.
 */
public final class TracingListener implements PipelineListener {

    private static final String RESULT = "result";

    TracingListener() {
    }

    /** False: the span's outcome is set by the {@link TracingPolicy}, which needs no clock reading from the pipeline. */
    @Override
    public boolean observesCalls() {
        return false;
    }

    @Override
    public void onRetry(String pipeline, String policy, int attempt, long delayNanos, Throwable error, Object result) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.RETRY, Attributes.of(TracingNames.POLICY, policy,
                    TracingNames.ATTEMPT, (long) attempt,
                    TracingNames.DELAY_MS, delayNanos / 1e6,
                    TracingNames.ERROR_TYPE, errorType(error)));
        }
    }

    @Override
    public void onRetryDenied(String pipeline, String policy, int attempt, Throwable error, Object result) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.RETRY_DENIED, Attributes.of(TracingNames.POLICY, policy,
                    TracingNames.ATTEMPT, (long) attempt, TracingNames.ERROR_TYPE, errorType(error)));
        }
    }

    @Override
    public void onRetriesExhausted(String pipeline, String policy, int attempts, Throwable error, Object result) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.RETRIES_EXHAUSTED, Attributes.of(TracingNames.POLICY, policy,
                    TracingNames.ATTEMPT, (long) attempts, TracingNames.ERROR_TYPE, errorType(error)));
        }
    }

    @Override
    public void onRejected(String pipeline, String policy, RejectionKind kind) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.REJECTED, Attributes.of(TracingNames.POLICY, policy,
                    TracingNames.REJECTION, kind.name()));
        }
    }

    @Override
    public void onTimeout(String pipeline, String policy, long timeoutNanos) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.TIMEOUT, Attributes.of(TracingNames.POLICY, policy,
                    TracingNames.TIMEOUT_MS, timeoutNanos / 1e6));
        }
    }

    @Override
    public void onStateChange(String pipeline, String policy, CircuitState from, CircuitState to) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.STATE_CHANGE, Attributes.of(TracingNames.POLICY, policy,
                    TracingNames.STATE_FROM, from.name(), TracingNames.STATE_TO, to.name()));
        }
    }

    @Override
    public void onFallback(String pipeline, String policy, Throwable error, Object result, RejectionKind rejection) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(TracingNames.FALLBACK, rejection != null
                    ? Attributes.of(TracingNames.POLICY, policy, TracingNames.REJECTION, rejection.name())
                    : Attributes.of(TracingNames.POLICY, policy, TracingNames.ERROR_TYPE, errorType(error)));
        }
    }

    private static String errorType(Throwable error) {
        return error != null ? error.getClass().getName() : RESULT;
    }
}
