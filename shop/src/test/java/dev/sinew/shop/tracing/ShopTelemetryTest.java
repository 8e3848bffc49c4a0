package dev.sinew.shop.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

class ShopTelemetryTest {

    @Test
    void otlpEndpointGetsTheTracesPath() {
        assertThat(ShopTelemetry.tracesUrl("http://127.0.0.1:4318")).isEqualTo("http://127.0.0.1:4318/v1/traces");
        assertThat(ShopTelemetry.tracesUrl("http://127.0.0.1:4318/")).isEqualTo("http://127.0.0.1:4318/v1/traces");
        assertThat(ShopTelemetry.tracesUrl("http://c:4318/v1/traces")).isEqualTo("http://c:4318/v1/traces");
    }

    @Test
    void samplesEverySpanWithAndWithoutAnExporter() {
        for (String endpoint : new String[] {null, "http://127.0.0.1:9"}) {
            try (ShopTelemetry t = ShopTelemetry.create("order", endpoint)) {
                Span span = t.openTelemetry().getTracer("test").spanBuilder("s").startSpan();
                assertThat(span.getSpanContext().isSampled()).as(String.valueOf(endpoint)).isTrue();
                span.end();
            }
        }
    }
}
