package dev.sinew.bench;

import dev.sinew.event.PipelineListener;
import dev.sinew.micrometer.LatencyBuckets;
import dev.sinew.micrometer.SinewMetrics;
import dev.sinew.pipeline.Pipeline;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where {@link ObservabilityBenchmark}'s overhead goes, piece by piece, on the same pipeline:
 * clock readings in isolation and next to the pipeline (a clock reading after the pipeline's
 * atomics costs more than one in a tight loop), a Micrometer Prometheus timer alone, a listener
 * doing the cheapest possible recording (two {@link LongAdder}s, no clock), and an OpenTelemetry
 * SDK span with and without the two attributes the tracing policy sets.
 *
 * <pre>
 * java -cp sinew-bench/target/classes:$(cat sinew-bench/target/classpath.txt) org.openjdk.jmh.Main ObservabilityCostBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ObservabilityCostBenchmark {

    static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("sinew.pipeline");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sinew.outcome");

    final Callable<Object> call = () -> ObservabilityBenchmark.VALUE;
    final LongAdder count = new LongAdder();
    final LongAdder total = new LongAdder();
    long nanos = 1_234_567L;
    Pipeline bare;
    Pipeline adders;
    Timer sloTimer;
    Timer plainTimer;
    OpenTelemetrySdk sdk;
    Tracer tracer;
    OpenTelemetrySdk batchSdk;
    Tracer batchTracer;
    SinewMetrics metrics;
    PipelineListener timerListener;

    @Setup
    public void setup() {
        bare = ObservabilityBenchmark.pipeline();
        adders = ObservabilityBenchmark.pipeline();
        adders.events().add(new PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long durationNanos) {
                count.increment();
                total.add(durationNanos);
            }
        });
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        sloTimer = Timer.builder("slo").serviceLevelObjectives(LatencyBuckets.boundaries()).register(registry);
        plainTimer = Timer.builder("plain").register(registry);
        sdk = TracingBenchmark.sdk(Sampler.alwaysOn());
        tracer = sdk.getTracer("cost");
        batchSdk = TracingBenchmark.batchSdk(Sampler.alwaysOn());
        batchTracer = batchSdk.getTracer("cost");
        metrics = SinewMetrics.bind(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ObservabilityBenchmark.pipeline());
        timerListener = ObservabilityBenchmark.timerListener(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @TearDown
    public void tearDown() {
        sdk.close();
        batchSdk.close();
        metrics.close();
    }

    @Benchmark
    public long clock_nanoTime() {
        return System.nanoTime();
    }

    /** What Micrometer's time windows read on every record (twice for a timer with buckets). */
    @Benchmark
    public long clock_currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Benchmark
    public Object pipeline_bare() throws Exception {
        return bare.call(call);
    }

    /** The bare pipeline and one clock reading after it. */
    @Benchmark
    public long pipeline_then_clock() throws Exception {
        Object r = bare.call(call);
        return System.nanoTime() + (r == null ? 1 : 0);
    }

    /** One clock reading, then the bare pipeline. */
    @Benchmark
    public long clock_then_pipeline() throws Exception {
        long start = System.nanoTime();
        Object r = bare.call(call);
        return start + (r == null ? 1 : 0);
    }

    /** The bare pipeline timed from outside: what a listened pipeline adds before any listener runs. */
    @Benchmark
    public long pipeline_between_clocks() throws Exception {
        long start = System.nanoTime();
        Object r = bare.call(call);
        return System.nanoTime() - start + (r == null ? 1 : 0);
    }

    /** The pipeline with a listener that records count and total in two adders: no clock beyond the pipeline's. */
    @Benchmark
    public Object pipeline_adders_listener() throws Exception {
        return adders.call(call);
    }

    /** {@code sinew.calls}' kind of timer: Prometheus, 14 SLO buckets. */
    @Benchmark
    public void timer_slo_buckets() {
        sloTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void timer_no_buckets() {
        plainTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The SDK alone: start a span, make it current around the call, end it. */
    @Benchmark
    public Object span_only() throws Exception {
        Span span = tracer.spanBuilder("observed").setSpanKind(SpanKind.INTERNAL).startSpan();
        Object r;
        try (Scope ignored = span.makeCurrent()) {
            r = call.call();
        }
        span.end();
        return r;
    }

    /** As {@link #span_only} plus the two attributes the tracing policy set before issue 6 (pipeline after a recording check, outcome at the end). */
    @Benchmark
    public Object span_two_attributes() throws Exception {
        Span span = tracer.spanBuilder("observed").setSpanKind(SpanKind.INTERNAL).startSpan();
        if (span.isRecording()) {
            span.setAttribute(PIPELINE, "observed");
        }
        Object r;
        try (Scope ignored = span.makeCurrent()) {
            r = call.call();
        }
        span.setAttribute(OUTCOME, "success");
        span.end();
        return r;
    }

    /** Both attributes set when the span ends: no recording check and one span lock fewer. */
    @Benchmark
    public Object span_attributes_at_end() throws Exception {
        Span span = tracer.spanBuilder("observed").setSpanKind(SpanKind.INTERNAL).startSpan();
        Object r;
        try (Scope ignored = span.makeCurrent()) {
            r = call.call();
        }
        span.setAttribute(PIPELINE, "observed");
        span.setAttribute(OUTCOME, "success");
        span.end();
        return r;
    }

    /** The pipeline attribute given to the span builder (seen by the sampler; built even for unsampled spans). */
    @Benchmark
    public Object span_builder_attribute() throws Exception {
        Span span = tracer.spanBuilder("observed").setSpanKind(SpanKind.INTERNAL).setAttribute(PIPELINE, "observed").startSpan();
        Object r;
        try (Scope ignored = span.makeCurrent()) {
            r = call.call();
        }
        span.setAttribute(OUTCOME, "success");
        span.end();
        return r;
    }

    /** {@link #span_only} with a {@code BatchSpanProcessor}: the span is queued at its end instead of exported on the calling thread. */
    @Benchmark
    public Object span_only_batch() throws Exception {
        Span span = batchTracer.spanBuilder("observed").setSpanKind(SpanKind.INTERNAL).startSpan();
        Object r;
        try (Scope ignored = span.makeCurrent()) {
            r = call.call();
        }
        span.end();
        return r;
    }

    /** What SinewMetrics does per successful call (its histogram), without the pipeline. */
    @Benchmark
    public void listener_metrics_onSuccess() {
        metrics.onSuccess("observed", nanos);
    }

    /** The same with the pre-issue-6 recording: a Prometheus timer with the 14 buckets. */
    @Benchmark
    public void listener_timer_onSuccess() {
        timerListener.onSuccess("observed", nanos);
    }
}
