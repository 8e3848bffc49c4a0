package dev.sinew.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.pipeline.Allocation;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.retry.RetryConfig;
import dev.sinew.timeout.Timeout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The success path of a bound pipeline, on the system clock, measured with the JVM's per-thread
 * allocation counter over 100,000 calls: the listener records into its own histogram, resolved when binding.
 */
class MetricsAllocationTest {

    private static final Callable<String> CALL = () -> "ok";
    private static final int CALLS = 100_000;

    @Test
    void successPathOfABoundPipelineAllocatesNothingWithPrometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Pipeline p = pipeline();
        SinewMetrics.bind(registry, p);
        long bytes = Allocation.measure(() -> run(p));
        // One 16-byte object per call would be 1.6 MB; the bound leaves room for the JVM's own rare allocations.
        assertThat(bytes).as("bytes allocated by 100,000 calls, metrics bound to Prometheus").isLessThan(64_000);
        assertThat(Calls.scraped(registry.scrape(), "outcome=\"success\"").count()).isEqualTo(4L * CALLS);
    }

    @Test
    void successPathOfABoundPipelineAllocatesNothingWithTheSimpleRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline p = pipeline();
        SinewMetrics.bind(registry, p);
        long bytes = Allocation.measure(() -> run(p));
        assertThat(bytes).as("bytes allocated by 100,000 calls, metrics bound to a SimpleMeterRegistry").isLessThan(64_000);
    }

    private static Pipeline pipeline() {
        Pipeline p = Pipeline.builder("payment").add(
                Retry.of(RetryConfig.builder().maxAttempts(3).budget(RetryBudget.defaults()).build()),
                CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(100).build()),
                Bulkhead.of(BulkheadConfig.builder().maxConcurrent(100).build()),
                Timeout.of(Duration.ofSeconds(10))).build();
        p.tryCall(CALL);
        return p;
    }

    private static void run(Pipeline p) {
        try {
            for (int i = 0; i < CALLS; i++) {
                if (p.call(CALL) != "ok") {
                    throw new AssertionError("unexpected result");
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
