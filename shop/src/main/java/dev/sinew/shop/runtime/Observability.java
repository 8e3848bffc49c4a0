package dev.sinew.shop.runtime;

import dev.sinew.config.SinewRegistry;
import dev.sinew.shop.diagnose.DependencyTracker;
import dev.sinew.shop.diagnose.Diagnosis;
import dev.sinew.shop.diagnose.RequestWindow;
import dev.sinew.shop.diagnose.TraceIds;
import dev.sinew.shop.metrics.HttpServerMetrics;
import dev.sinew.shop.metrics.ServiceMetrics;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service's metrics and diagnosis, wired into its server: {@code GET /metrics} (Prometheus text),
 * {@code GET /diagnose} (JSON, or text with {@code Accept: text/plain} / {@code ?format=text}),
 * the {@code http.server.requests} timer and the pipeline tracker behind {@code /diagnose}.
 */
final class Observability implements AutoCloseable {

    final ServiceMetrics metrics;
    final HttpServerMetrics http;
    final Diagnosis diagnosis;

    private Observability(ServiceOptions options, String instance, SinewRegistry sinew, long startedMillis) {
        metrics = new ServiceMetrics(options.service(), instance);
        RequestWindow requests = new RequestWindow(System::currentTimeMillis);
        http = new HttpServerMetrics(metrics.registry(), requests);
        DependencyTracker tracker = new DependencyTracker(System::currentTimeMillis, TraceIds::exampleTraceId);
        sinew.addListener(tracker);
        metrics.bindPipelines(sinew);
        diagnosis = new Diagnosis(options.service(), instance, startedMillis, requests, tracker, sinew,
                System::currentTimeMillis);
    }

    /** Creates the meters of a service listening on {@code 127.0.0.1:port} and binds its pipelines. */
    static Observability start(ServiceOptions options, int port, SinewRegistry sinew, long startedMillis) {
        return new Observability(options, "127.0.0.1:" + port, sinew, startedMillis);
    }

    /** Installs the request timer and the two routes; {@code ref} is set once the service has started. */
    static void install(JavalinConfig cfg, AtomicReference<Observability> ref) {
        cfg.requestLogger.http((ctx, ms) -> {
            Observability o = ref.get();
            if (o != null) {
                o.http.record(ctx, ms);
            }
        });
        cfg.routes.get("/metrics", ctx -> {
            ctx.contentType(ServiceMetrics.CONTENT_TYPE);
            ctx.result(ref.get().metrics.scrape());
            ctx.attribute(Http.JSON_WRITTEN, Boolean.TRUE);
        });
        cfg.routes.get("/diagnose", ctx -> diagnose(ctx, ref.get().diagnosis));
    }

    private static void diagnose(Context ctx, Diagnosis d) {
        String accept = ctx.header("Accept");
        if ("text".equals(ctx.queryParam("format")) || (accept != null && accept.startsWith("text/plain"))) {
            ctx.contentType("text/plain; charset=utf-8");
            ctx.result(d.text());
            ctx.attribute(Http.JSON_WRITTEN, Boolean.TRUE);
        } else {
            Http.json(ctx, 200, d.json());
        }
    }

    @Override
    public void close() {
        metrics.close();
    }
}
