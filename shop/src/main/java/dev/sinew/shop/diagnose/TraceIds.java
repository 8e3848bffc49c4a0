package dev.sinew.shop.diagnose;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Span;

/**
 * Where {@code /diagnose} gets the trace id of a failed call from: the calling thread's current
 * OpenTelemetry span (every request and every pipeline call of the shop runs in one).
 */
public final class TraceIds {

    private TraceIds() {
    }

    /** The trace id of the calling thread's current span, or null when no valid span is current. */
    public static String exampleTraceId() {
        SpanContext c = Span.current().getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
    }
}
