package dev.sinew.opentelemetry.http;

import dev.sinew.opentelemetry.TracingNames;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.function.Function;

/**
 * Trace context over HTTP, with the propagator of the given {@code OpenTelemetry} (W3C
 * {@code traceparent}/{@code tracestate} when it is configured with
 * {@code W3CTraceContextPropagator}). The client side writes into a JDK
 * {@link HttpRequest.Builder}; the server side reads through a header getter, so it works with
 * any server ({@code ctx::header} in Javalin, {@code exchange.getRequestHeaders()::getFirst} in
 * the JDK server) without depending on it.
 */
public final class HttpTracing {

    private static final TextMapSetter<HttpRequest.Builder> SETTER = (builder, name, value) -> {
        if (builder != null) {
            builder.setHeader(name, value);
        }
    };

    private final TextMapPropagator propagator;
    private final Tracer tracer;
    /** Reads headers through a function: the W3C propagator asks only for the names it knows. */
    private static final TextMapGetter<Function<String, String>> GETTER =
            (header, name) -> header == null ? null : header.apply(name);

    private HttpTracing(OpenTelemetry openTelemetry) {
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.tracer = openTelemetry.getTracer(TracingNames.INSTRUMENTATION_SCOPE);
    }

    public static HttpTracing create(OpenTelemetry openTelemetry) {
        return new HttpTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /** Writes the current context (the current span as parent) into the request's headers. */
    public HttpRequest.Builder inject(HttpRequest.Builder request) {
        return inject(Context.current(), request);
    }

    /** Writes {@code context} into the request's headers, replacing any earlier trace headers. */
    public HttpRequest.Builder inject(Context context, HttpRequest.Builder request) {
        Objects.requireNonNull(request, "request");
        propagator.inject(context, request, SETTER);
        return request;
    }

    /**
     * The caller's context from a request's headers, on top of the current one; without trace
     * headers it is the current context unchanged. {@code header} returns a header's value by
     * name, or null.
     */
    public Context extract(Function<String, String> header) {
        Objects.requireNonNull(header, "header");
        return propagator.extract(Context.current(), header, GETTER);
    }

    /**
     * Starts a {@code SERVER} span named {@code name} (e.g. {@code "POST /orders"}) as a child of
     * the caller's span from the request's headers. The caller makes it current
     * ({@code try (Scope s = span.makeCurrent())}) and ends it.
     */
    public Span startServerSpan(String name, Function<String, String> header) {
        return tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(extract(header)).startSpan();
    }
}
