package dev.sinew.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.Policy;
import dev.sinew.time.TestClock;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SinewTracingRegistryTest {

    private final TestTelemetry otel = new TestTelemetry();

    @AfterEach
    void close() {
        otel.close();
    }

    @Test
    void everyPipelineOfARegistryIsTracedBeforeAndAfterInstrumentingAndAfterReconfiguring() throws Exception {
        SinewRegistry registry = SinewRegistry.builder().clock(new TestClock())
                .properties(Map.of("sinew.pipeline.default.retry.backoff", "none")).build();
        Pipeline early = registry.pipeline("catalog");

        SinewTracing.instrument(otel.sdk, registry);
        Pipeline late = registry.pipeline("payment");
        registry.reconfigure(Map.of("sinew.pipeline.default.retry.backoff", "none",
                "sinew.pipeline.catalog.bulkhead.enabled", "false"));

        assertThat(early.policies()).first().extracting(Policy::name).isEqualTo(TracingPolicy.DEFAULT_NAME);
        assertThat(late.policies()).first().extracting(Policy::name).isEqualTo(TracingPolicy.DEFAULT_NAME);
        AtomicInteger calls = new AtomicInteger();
        early.call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok";
        });
        late.call(() -> "ok");

        SpanData catalog = otel.span("catalog");
        assertThat(catalog.getEvents()).extracting(EventData::getName).containsExactly(TracingNames.RETRY);
        assertThat(otel.span("payment").getAttributes().get(TracingNames.PIPELINE)).isEqualTo("payment");
    }
}
