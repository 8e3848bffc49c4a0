package dev.sinew.shop.tracing;

import dev.sinew.opentelemetry.http.HttpTracing;
import dev.sinew.opentelemetry.log.TraceMdc;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * A {@code SERVER} span around every request of a service: started in the first before-handler
 * (a child of the caller's span when the request carries {@code traceparent}, else a new trace),
 * current with its ids in the MDC through the route's handler, exception and error handlers, and
 * ended in the after-handler, which Javalin runs also when a handler threw. The response carries
 * the span's context as {@value #RESPONSE_HEADER}, so a client or a test sees the trace id.
 */
public final class ServerSpans {

    /** Response header with the server span's context ({@code 00-<trace id>-<span id>-<flags>}). */
    public static final String RESPONSE_HEADER = "traceparent";

    private static final String ATTRIBUTE = ServerSpans.class.getName();
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private final HttpTracing http;

    private ServerSpans(HttpTracing http) {
        this.http = http;
    }

    /** Registers the span's before- and after-handler; call it before any other before-handler. */
    public static void install(RoutesConfig routes, HttpTracing http) {
        ServerSpans spans = new ServerSpans(http);
        routes.before(spans::start);
        routes.after(spans::end);
    }

    private void start(Context ctx) {
        String method = ctx.method().name();
        Span span = http.startServerSpan(method + " " + ctx.path(), ctx::header);
        span.setAttribute(METHOD, method);
        span.setAttribute(PATH, ctx.path());
        Scope scope = span.makeCurrent();
        TraceMdc.Ids ids = TraceMdc.put();
        ctx.attribute(ATTRIBUTE, new Current(span, scope, ids));
        ctx.header(RESPONSE_HEADER, traceparent(span.getSpanContext()));
    }

    private void end(Context ctx) {
        Current current = ctx.attribute(ATTRIBUTE);
        if (current == null) {
            return;
        }
        ctx.attribute(ATTRIBUTE, null);
        Span span = current.span;
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint != null) {
            span.updateName(ctx.method().name() + " " + endpoint.path);
            span.setAttribute(ROUTE, endpoint.path);
        }
        int status = ctx.statusCode();
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        current.ids.close();
        current.scope.close();
        span.end();
    }

    /** The W3C {@code traceparent} value of a span context. */
    static String traceparent(SpanContext sc) {
        return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
    }

    private record Current(Span span, Scope scope, TraceMdc.Ids ids) {
    }
}
