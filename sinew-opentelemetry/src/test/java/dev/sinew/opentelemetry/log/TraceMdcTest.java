package dev.sinew.opentelemetry.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.opentelemetry.TestTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TraceMdcTest {

    private final TestTelemetry otel = new TestTelemetry();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        MDC.clear();
        otel.close();
    }

    @Test
    void theIdsOfTheCurrentSpanAreInTheMdcUntilTheScopeCloses() {
        MDC.put(TraceMdc.TRACE_ID, "outer");
        Span span = otel.sdk.getTracer("test").spanBuilder("work").startSpan();
        try (Scope ignored = span.makeCurrent(); TraceMdc.Ids ids = TraceMdc.put()) {
            assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
            assertThat(MDC.get(TraceMdc.SPAN_ID)).isEqualTo(span.getSpanContext().getSpanId());
        } finally {
            span.end();
        }
        assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo("outer");
        assertThat(MDC.get(TraceMdc.SPAN_ID)).isNull();
    }

    @Test
    void withoutASpanTheKeysAreAbsent() {
        MDC.put(TraceMdc.TRACE_ID, "stale");
        try (TraceMdc.Ids ids = TraceMdc.put()) {
            assertThat(MDC.get(TraceMdc.TRACE_ID)).isNull();
        }
        assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo("stale");
    }

    @Test
    void aWrappedTaskRunsOnAnotherThreadInTheContextItWasWrappedIn() throws Exception {
        Span span = otel.sdk.getTracer("test").spanBuilder("request").startSpan();
        Runnable task;
        java.util.concurrent.Callable<String> call;
        try (Scope ignored = span.makeCurrent()) {
            task = TraceMdc.wrap(() -> MDC.put("seen", MDC.get(TraceMdc.TRACE_ID)));
            call = TraceMdc.wrap(() -> MDC.get(TraceMdc.SPAN_ID) + "/" + Span.current().getSpanContext().getSpanId());
        } finally {
            span.end();
        }
        String seen = executor.submit(() -> {
            task.run();
            return MDC.get("seen") + "," + MDC.get(TraceMdc.TRACE_ID);
        }).get(5, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(span.getSpanContext().getTraceId() + ",null");
        String spanId = span.getSpanContext().getSpanId();
        assertThat(executor.submit(call).get(5, TimeUnit.SECONDS)).isEqualTo(spanId + "/" + spanId);
    }
}
