package dev.sinew.shop.diagnose;

/**
 * Where {@code /diagnose} gets the trace id of a failed call from. Tracing (OpenTelemetry) is wired
 * by a separate change; until it is, {@link #exampleTraceId()} returns null and the report omits
 * the field. Once {@code io.opentelemetry:opentelemetry-api} is on the shop's class path this is
 * {@code Span.current().getSpanContext()}'s trace id when that context is valid.
 */
public final class TraceIds {

    private TraceIds() {
    }

    /** The trace id of the calling thread's current span, or null (no tracing wired yet). */
    public static String exampleTraceId() {
        return null;
    }
}
