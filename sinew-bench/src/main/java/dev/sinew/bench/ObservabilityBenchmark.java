package dev.sinew.bench;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.event.PipelineListener;
import dev.sinew.micrometer.LatencyBuckets;
import dev.sinew.micrometer.MetricsBinding;
import dev.sinew.micrometer.SinewMetrics;
import dev.sinew.opentelemetry.SinewTracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryConfig;
import dev.sinew.timeout.Timeout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observing a pipeline costs on the success path: the same pipeline (retry, breaker,
 * bulkhead, timeout; the call returns a constant) bare and with an observer attached. Run by
 * {@code bench/run-observability}; the target is an observer overhead of at most the bare
 * pipeline's own overhead (so the observed pipeline costs at most 2× the bare one, minus the call).
 *
 * <p>To add an observer (tracing, the console), add its name to {@link #observer} and a case to
 * {@link #attach}; the rows then line up with {@code none} in one run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ObservabilityBenchmark {

    static final Object VALUE = "ok";

    /**
     * {@code none}: bare pipeline; {@code metrics}: SinewMetrics bound to a PrometheusMeterRegistry;
     * {@code tracing}: SinewTracing with an OpenTelemetry SDK that samples every call (spans dropped
     * by the exporter, so span creation is measured, not I/O); {@code tracing-unsampled}: the same
     * with a sampler that records nothing (tracing switched off by sampling); {@code listener}: a
     * listener that observes calls and does nothing, the floor of any call-observing listener (the
     * pipeline times each call: two clock readings); {@code metrics-timer}: how {@code SinewMetrics}
     * recorded {@code sinew.calls} before issue 6's work (a Micrometer Prometheus {@code Timer} with
     * the 14 latency buckets, one {@code record} per call), kept as the "before" row of the same run;
     * {@code tracing-batch}: as {@code tracing} but with a {@code BatchSpanProcessor} (what the shop
     * and most services use: the span is queued on end, the export thread builds its data).
     */
    @Param({"none", "listener", "metrics", "metrics-timer", "tracing", "tracing-batch", "tracing-10pct", "tracing-unsampled"})
    public String observer;

    Callable<Object> call;
    Pipeline pipeline;
    AutoCloseable binding;

    @Setup
    public void setup() throws Exception {
        call = () -> VALUE;
        pipeline = pipeline();
        binding = attach(observer, pipeline);
        if (pipeline.call(call) != VALUE) {
            throw new IllegalStateException("the pipeline must pass the call through");
        }
        if (!observer.equals("none") && !observer.startsWith("tracing") && !pipeline.events().active()) {
            throw new IllegalStateException("observer '" + observer + "' is not listening");
        }
    }

    /** The observed pipeline: retry 3 attempts, count breaker 100, bulkhead 100, timeout 10 s. */
    static Pipeline pipeline() {
        return Pipeline.builder("observed").add(
                Retry.of(RetryConfig.builder().maxAttempts(3).build()),
                CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(100).minimumCalls(100).build()),
                Bulkhead.of(BulkheadConfig.builder().maxConcurrent(100).build()),
                Timeout.of(Duration.ofSeconds(10))).build();
    }

    /** Attaches the observer named {@code observer}; returns what detaches it. */
    static AutoCloseable attach(String observer, Pipeline pipeline) {
        switch (observer) {
            case "none":
                return () -> { };
            case "listener":
                PipelineListener nothing = new PipelineListener() {
                    @Override
                    public void onSuccess(String pipeline, long durationNanos) {
                        // the cost of being told is what is measured
                    }
                };
                pipeline.events().add(nothing);
                return () -> pipeline.events().remove(nothing);
            case "metrics":
                MetricsBinding m = SinewMetrics.bind(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pipeline);
                return m;
            case "metrics-timer":
                PipelineListener timed = timerListener(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                pipeline.events().add(timed);
                return () -> pipeline.events().remove(timed);
            case "tracing":
            case "tracing-unsampled":
                OpenTelemetrySdk sdk = TracingBenchmark.sdk(observer.equals("tracing") ? Sampler.alwaysOn() : Sampler.alwaysOff());
                SinewTracing.create(sdk).instrument(pipeline);
                return sdk::close;
            case "tracing-10pct":
                // a common production setting: 1 call in 10 sampled (as a root; a sampled parent is followed), batched export
                OpenTelemetrySdk tenth = TracingBenchmark.batchSdk(Sampler.parentBased(Sampler.traceIdRatioBased(0.1)));
                SinewTracing.create(tenth).instrument(pipeline);
                return tenth::close;
            case "tracing-batch":
                OpenTelemetrySdk batched = TracingBenchmark.batchSdk(Sampler.alwaysOn());
                SinewTracing.create(batched).instrument(pipeline);
                return batched::close;
            default:
                throw new IllegalArgumentException("unknown observer: " + observer);
        }
    }

    /** The pre-issue-6 recording of {@code sinew.calls}: a cached Prometheus timer per outcome, one record per call. */
    static PipelineListener timerListener(MeterRegistry registry) {
        Timer success = Timer.builder("sinew.calls").tag("pipeline", "observed").tag("outcome", "success")
                .serviceLevelObjectives(LatencyBuckets.boundaries()).register(registry);
        Timer failure = Timer.builder("sinew.calls").tag("pipeline", "observed").tag("outcome", "failure")
                .serviceLevelObjectives(LatencyBuckets.boundaries()).register(registry);
        return new PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long durationNanos) {
                success.record(durationNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void onFailure(String pipeline, long durationNanos, Throwable error, Object result) {
                failure.record(durationNanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    @TearDown
    public void tearDown() throws Exception {
        binding.close();
    }

    @Benchmark
    public Object t1_baseline() throws Exception {
        return call.call();
    }

    @Benchmark
    public Object t1_pipeline() throws Exception {
        return pipeline.call(call);
    }

    @Benchmark
    @Threads(2)
    public Object t2_pipeline() throws Exception {
        return pipeline.call(call);
    }
}
