package dev.sinew.shop.tracing;

import dev.sinew.config.SinewRegistry;
import dev.sinew.opentelemetry.SinewTracing;
import dev.sinew.opentelemetry.http.HttpTracing;
import dev.sinew.opentelemetry.outbox.OutboxTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One service's OpenTelemetry: an SDK whose resource names the service ({@code service.name}),
 * W3C trace-context propagation and a parent-based always-on sampler, so every request and message
 * is traced and its ids reach the logs. Spans are exported only when asked for: to an OTLP/HTTP
 * collector ({@code --otlp-endpoint}), and as log lines when the logger {@value LoggedSpans#LOGGER}
 * is at DEBUG; without either they are still created and their ids still propagate.
 */
public final class ShopTelemetry implements AutoCloseable {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private final String service;
    private final OpenTelemetrySdk sdk;
    private final HttpTracing http;
    private final OutboxTracing outbox;

    private ShopTelemetry(String service, OpenTelemetrySdk sdk) {
        this.service = service;
        this.sdk = sdk;
        this.http = HttpTracing.create(sdk);
        this.outbox = OutboxTracing.create(sdk);
    }

    /**
     * The telemetry of {@code service}; {@code otlpEndpoint} is the collector's OTLP/HTTP base URL
     * (e.g. {@code http://127.0.0.1:4318}, {@code /v1/traces} is added), or null for no export.
     */
    public static ShopTelemetry create(String service, String otlpEndpoint) {
        Objects.requireNonNull(service, "service");
        SdkTracerProviderBuilder tracer = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, service))))
                .setSampler(Sampler.parentBased(Sampler.alwaysOn()));
        boolean exported = false;
        if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
            exported = true;
            tracer.addSpanProcessor(BatchSpanProcessor.builder(
                    OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(otlpEndpoint)).build()).build());
        }
        if (LoggedSpans.enabled()) {
            exported = true;
            tracer.addSpanProcessor(SimpleSpanProcessor.create(new LoggedSpans()));
        }
        if (!exported) {
            // without any processor the SDK hands out invalid spans: no ids to propagate or log
            tracer.addSpanProcessor(new Unexported());
        }
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(tracer.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        return new ShopTelemetry(service, sdk);
    }

    static String tracesUrl(String endpoint) {
        String e = endpoint.trim();
        if (e.endsWith("/v1/traces")) {
            return e;
        }
        return (e.endsWith("/") ? e.substring(0, e.length() - 1) : e) + "/v1/traces";
    }

    /** Traces every pipeline of the registry (one span per call; peer calls carry the trace). */
    public void instrument(SinewRegistry registry) {
        SinewTracing.instrument(sdk, registry);
    }

    public String service() {
        return service;
    }

    public OpenTelemetry openTelemetry() {
        return sdk;
    }

    /** Server spans and {@code traceparent} on outgoing requests. */
    public HttpTracing http() {
        return http;
    }

    /** Trace context through the outbox, Kafka and the inbox. */
    public OutboxTracing outbox() {
        return outbox;
    }

    /** Keeps spans real (valid, sampled ids) when nothing exports them; does nothing with them. */
    private static final class Unexported implements SpanProcessor {
        @Override
        public void onStart(Context parent, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }

    /** Flushes and stops the exporters (at most 2 s). */
    @Override
    public void close() {
        sdk.getSdkTracerProvider().shutdown().join(2, TimeUnit.SECONDS);
    }
}
