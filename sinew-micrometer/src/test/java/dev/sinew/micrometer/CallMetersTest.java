package dev.sinew.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How {@code sinew.calls} reaches each kind of registry (docs/METRICS.md, "sinew.calls"). */
class CallMetersTest {

    private final TestClock clock = new TestClock();

    private Pipeline pipeline(String name) {
        return Pipeline.builder(name).clock(clock).build();
    }

    private void slowCall(Pipeline p, long millis) {
        p.tryCall(() -> {
            clock.advanceMillis(millis);
            return "ok";
        });
    }

    @Test
    void prometheusGetsTheHistogramWithCommonTagsBucketsCountSumAndMax() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", "order", "instance", "127.0.0.1:8082");
        Pipeline p = pipeline("payment");
        SinewMetrics.bind(registry, p);
        slowCall(p, 3);
        slowCall(p, 40);

        String scrape = registry.scrape();
        String labels = "instance=\"127.0.0.1:8082\",outcome=\"success\",pipeline=\"payment\",service=\"order\"";
        assertThat(scrape).contains(
                "# TYPE sinew_calls_seconds histogram",
                "sinew_calls_seconds_bucket{" + labels + ",le=\"0.002\"} 0",
                "sinew_calls_seconds_bucket{" + labels + ",le=\"0.005\"} 1",
                "sinew_calls_seconds_bucket{" + labels + ",le=\"0.05\"} 2",
                "sinew_calls_seconds_bucket{" + labels + ",le=\"30.0\"} 2",
                "sinew_calls_seconds_bucket{" + labels + ",le=\"+Inf\"} 2",
                "sinew_calls_seconds_count{" + labels + "} 2",
                "sinew_calls_seconds_sum{" + labels + "} 0.043",
                "# TYPE sinew_calls_seconds_max gauge",
                "sinew_calls_seconds_max{" + labels + "} 0.04");
        assertThat(scrape.lines().filter(l -> l.startsWith("sinew_calls_seconds_bucket{" + labels)).count())
                .as("14 bounds and +Inf").isEqualTo(15);
    }

    @Test
    void twoPipelinesShareOneFamilyAndUnbindingOneKeepsTheOther() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Pipeline a = pipeline("a");
        Pipeline b = pipeline("b");
        MetricsBinding ma = SinewMetrics.bind(registry, a);
        MetricsBinding mb = SinewMetrics.bind(registry, b);
        slowCall(a, 1);
        slowCall(b, 1);
        assertThat(Calls.scraped(registry.scrape(), "pipeline=\"a\"", "outcome=\"success\"").count()).isEqualTo(1);

        ma.close();
        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("pipeline=\"a\"");
        assertThat(Calls.scraped(scrape, "pipeline=\"b\"", "outcome=\"success\"").count()).isEqualTo(1);
        mb.close();
        assertThat(registry.scrape()).doesNotContain("sinew_calls");
        SinewMetrics.bind(registry, a); // the family can come back after it went away
        assertThat(registry.scrape()).contains("sinew_calls_seconds_count{outcome=\"success\",pipeline=\"a\"} 0");
    }

    @Test
    void aDenyingMeterFilterKeepsTheSeriesOut() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("sinew.calls"));
        Pipeline p = pipeline("payment");
        SinewMetrics.bind(registry, p);
        slowCall(p, 1);
        assertThat(registry.scrape()).doesNotContain("sinew_calls");
    }

    @Test
    void aSecondBindingOfTheSamePipelineIsRefusedAndLeavesNothingBehind() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Pipeline p = pipeline("payment");
        SinewMetrics.bind(registry, p);
        int meters = registry.getMeters().size();
        assertThatThrownBy(() -> SinewMetrics.bind(registry, p))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind a pipeline once per registry");
        assertThat(registry.getMeters()).hasSize(meters);
        slowCall(p, 1);
        assertThat(Calls.scraped(registry.scrape(), "outcome=\"success\"").count()).isEqualTo(1);
    }

    @Test
    void otherRegistriesGetAFunctionTimerAndACompositePublishesInEachOfItsRegistries() {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(simple);
        composite.add(prometheus);
        Pipeline p = pipeline("catalog");
        MetricsBinding m = SinewMetrics.bind(composite, p);
        slowCall(p, 250);

        FunctionTimer t = simple.get("sinew.calls").tags("pipeline", "catalog", "outcome", "success").functionTimer();
        assertThat(t.count()).isEqualTo(1.0);
        assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
        assertThat(Calls.scraped(prometheus.scrape(), "outcome=\"success\"").sumSeconds()).isEqualTo(0.25);

        m.close();
        assertThat(simple.find("sinew.calls").meters()).isEmpty();
        assertThat(prometheus.scrape()).doesNotContain("sinew_calls");
    }
}
