package dev.sinew.opentelemetry;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;

/** A real OpenTelemetry SDK that keeps finished spans in memory, with W3C trace context propagation. */
public final class TestTelemetry implements AutoCloseable {

    public final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    public final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .setSampler(Sampler.alwaysOn())
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    /** Finished spans, in the order they ended. */
    public List<SpanData> spans() {
        return exporter.getFinishedSpanItems();
    }

    /** The only finished span named {@code name}; fails if there is not exactly one. */
    public SpanData span(String name) {
        List<SpanData> found = spans().stream().filter(s -> s.getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one span named " + name + ", found " + spans());
        }
        return found.get(0);
    }

    @Override
    public void close() {
        sdk.close();
    }
}
