package dev.sinew.shop.metrics;

import dev.sinew.micrometer.LatencyBuckets;
import dev.sinew.shop.diagnose.RequestWindow;
import dev.sinew.shop.runtime.Http;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP answer of a service as {@code http.server.requests} (Timer with histogram;
 * tags {@code method}, {@code route}, {@code status}, {@code outcome}, {@code degraded}) and counts
 * it in the service's {@link RequestWindow} for {@code /diagnose}. {@code route} is the matched
 * route template ({@code /api/products/{id}}), never the raw path: a request no route matched is
 * {@code NOT_FOUND} (404) or {@code UNMATCHED} (refused before routing, e.g. 503 while starting).
 * Called by Javalin's request logger, after the answer is written, with Javalin's own duration.
 */
public final class HttpServerMetrics {

    public static final String NAME = "http.server.requests";

    private final MeterRegistry registry;
    private final RequestWindow window;
    /** One timer per tag combination, built once: a request only looks its timer up. */
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    private record Key(String method, String route, int status, boolean degraded) {
    }

    public HttpServerMetrics(MeterRegistry registry, RequestWindow window) {
        this.registry = registry;
        this.window = window;
    }

    /** Records one answer that took {@code millis} (Javalin's request-logger callback). */
    public void record(Context ctx, Float millis) {
        int status = ctx.statusCode();
        window.record(status);
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint != null ? endpoint.path : status == 404 ? "NOT_FOUND" : "UNMATCHED";
        boolean degraded = ctx.res().containsHeader(Http.DEGRADED_HEADER);
        timers.computeIfAbsent(new Key(ctx.method().name(), route, status, degraded), this::timer)
                .record(millis == null ? 0 : (long) (millis * 1_000_000.0), TimeUnit.NANOSECONDS);
    }

    private Timer timer(Key k) {
        return Timer.builder(NAME)
                .description("HTTP answers of this service, by route template, status and whether degraded")
                .tag("method", k.method())
                .tag("route", k.route())
                .tag("status", Integer.toString(k.status()))
                .tag("outcome", outcome(k.status()))
                .tag("degraded", k.degraded() ? "true" : "false")
                .serviceLevelObjectives(LatencyBuckets.boundaries())
                .register(registry);
    }

    static String outcome(int status) {
        if (status >= 500) {
            return "SERVER_ERROR";
        }
        if (status >= 400) {
            return "CLIENT_ERROR";
        }
        if (status >= 300) {
            return "REDIRECTION";
        }
        return status >= 200 ? "SUCCESS" : "INFORMATIONAL";
    }
}
