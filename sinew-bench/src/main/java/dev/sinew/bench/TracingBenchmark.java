package dev.sinew.bench;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.opentelemetry.SinewTracing;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing adds to a call: the same pipeline (retry → breaker → bulkhead, as in
 * {@link CoreBenchmark}) bare, traced by a real OpenTelemetry SDK tracer that samples every call
 * and hands each finished span to an exporter that drops it (so span creation, the current
 * context and the span's data snapshot are measured, not an exporter's I/O), and traced with a
 * sampler that records nothing (the cost of tracing switched off by sampling). {@code t1_span_only}
 * is the SDK alone (one span made current around the call) for comparison: most of the traced
 * pipeline's cost is the span itself.
 *
 * <pre>
 * java -cp sinew-bench/target/classes:$(cat sinew-bench/target/classpath.txt) org.openjdk.jmh.Main TracingBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TracingBenchmark {

    static final Object VALUE = "ok";

    Callable<Object> call;
    Pipeline bare;
    Pipeline traced;
    Pipeline unsampled;
    OpenTelemetrySdk sampledSdk;
    OpenTelemetrySdk unsampledSdk;
    io.opentelemetry.api.trace.Tracer rawTracer;

    @Setup
    public void setup() throws Exception {
        call = () -> VALUE;
        bare = pipeline("bare");
        sampledSdk = sdk(Sampler.alwaysOn());
        unsampledSdk = sdk(Sampler.alwaysOff());
        rawTracer = sampledSdk.getTracer("raw");
        traced = SinewTracing.create(sampledSdk).instrument(pipeline("traced"));
        unsampled = SinewTracing.create(unsampledSdk).instrument(pipeline("unsampled"));

        boolean[] recording = new boolean[2];
        traced.call(() -> recording[0] = Span.current().isRecording());
        unsampled.call(() -> recording[1] = Span.current().isRecording());
        if (!recording[0] || recording[1] || bare.call(call) != VALUE) {
            throw new IllegalStateException("the traced pipeline must record and the unsampled one must not");
        }
    }

    @TearDown
    public void tearDown() {
        sampledSdk.close();
        unsampledSdk.close();
    }

    private static Pipeline pipeline(String name) {
        return Pipeline.builder(name).add(
                Retry.of(RetryConfig.builder().maxAttempts(3).build()),
                CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(100).minimumCalls(100)
                        .failureRateThreshold(50).openDuration(Duration.ofHours(1)).build()),
                Bulkhead.of(BulkheadConfig.builder().maxConcurrent(100).build())).build();
    }

    static OpenTelemetrySdk sdk(Sampler sampler) {
        return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(new DroppingExporter()))
                .build()).build();
    }

    /** As {@link #sdk} with a {@code BatchSpanProcessor} (default queue and batch sizes) in front of the dropping exporter. */
    static OpenTelemetrySdk batchSdk(Sampler sampler) {
        return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(sampler)
                .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
                .build()).build();
    }

    @Benchmark
    public Object t1_baseline() throws Exception {
        return call.call();
    }

    @Benchmark
    public Object t1_pipeline_bare() throws Exception {
        return bare.call(call);
    }

    @Benchmark
    public Object t1_pipeline_traced() throws Exception {
        return traced.call(call);
    }

    /** The SDK alone: start a span, make it current around the call, end it; what any span per call costs. */
    @Benchmark
    public Object t1_span_only() throws Exception {
        Span span = rawTracer.spanBuilder("raw").startSpan();
        try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
            return call.call();
        } finally {
            span.end();
        }
    }

    @Benchmark
    public Object t1_pipeline_unsampled() throws Exception {
        return unsampled.call(call);
    }

    /** Accepts every span and keeps none. */
    static final class DroppingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
