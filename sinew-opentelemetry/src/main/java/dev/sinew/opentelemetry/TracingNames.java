package dev.sinew.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The names of the span events and attributes Sinew produces, in one place so that dashboards,
 * tests and docs ({@code docs/TRACING.md}) agree on them.
 */
public final class TracingNames {

    /** The instrumentation scope of every Sinew tracer. */
    public static final String INSTRUMENTATION_SCOPE = "dev.sinew";

    /** Span attribute: the pipeline's name (also the span's name). */
    public static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("sinew.pipeline");
    /** Span attribute set when the call ends: {@code success}, {@code failure}, {@code rejected} or {@code ignored}. */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sinew.outcome");

    /** Event attribute: the policy that raised the event, e.g. {@code retry}. */
    public static final AttributeKey<String> POLICY = AttributeKey.stringKey("sinew.policy");
    /** Event attribute: the 1-based attempt that failed. */
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sinew.attempt");
    /** Event attribute: the wait before the next attempt, in milliseconds. */
    public static final AttributeKey<Double> DELAY_MS = AttributeKey.doubleKey("sinew.retry.delay_ms");
    /** Event attribute: the {@code RejectionKind} of a refusal, e.g. {@code CIRCUIT_OPEN}. */
    public static final AttributeKey<String> REJECTION = AttributeKey.stringKey("sinew.rejection");
    /** Event attribute: the timeout that expired, in milliseconds. */
    public static final AttributeKey<Double> TIMEOUT_MS = AttributeKey.doubleKey("sinew.timeout_ms");
    /** Event attribute: the breaker state before a change. */
    public static final AttributeKey<String> STATE_FROM = AttributeKey.stringKey("sinew.breaker.from");
    /** Event attribute: the breaker state after a change. */
    public static final AttributeKey<String> STATE_TO = AttributeKey.stringKey("sinew.breaker.to");
    /**
     * Event attribute: what failed, the exception's class name, or {@code result} for a result the
     * classifier counts as failed (the OpenTelemetry {@code error.type} convention).
     */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** Event: an attempt failed and another follows after the delay. */
    public static final String RETRY = "sinew.retry";
    /** Event: an attempt could have been retried but the retry budget had no token left. */
    public static final String RETRY_DENIED = "sinew.retry.denied";
    /** Event: the last allowed attempt failed. */
    public static final String RETRIES_EXHAUSTED = "sinew.retry.exhausted";
    /** Event: a policy refused the call (breaker open, bulkhead full, rate limited, switched off). */
    public static final String REJECTED = "sinew.rejected";
    /** Event: a timeout policy gave up. */
    public static final String TIMEOUT = "sinew.timeout";
    /** Event: a circuit breaker changed state during this call. */
    public static final String STATE_CHANGE = "sinew.breaker.state_change";
    /** Event: a fallback answered instead of the downstream. */
    public static final String FALLBACK = "sinew.fallback";

    private TracingNames() {
    }
}
