package dev.sinew.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.fallback.Fallback;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.retry.Backoff;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.retry.RetryConfig;
import dev.sinew.time.TestClock;
import dev.sinew.timeout.Timeout;
import dev.sinew.timeout.TimeoutConfig;
import dev.sinew.timeout.TimeoutExceededException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingPolicyTest {

    private final TestTelemetry otel = new TestTelemetry();
    private final SinewTracing tracing = SinewTracing.create(otel.sdk);
    private final TestClock clock = new TestClock();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        otel.close();
    }

    private Pipeline traced(String name, dev.sinew.pipeline.Policy... policies) {
        return tracing.instrument(Pipeline.builder(name).clock(clock).add(policies).build());
    }

    private static Retry retry(int attempts) {
        return Retry.of(RetryConfig.builder().maxAttempts(attempts).backoff(Backoff.none()).build());
    }

    private static List<String> eventNames(SpanData span) {
        return span.getEvents().stream().map(EventData::getName).toList();
    }

    private static List<EventData> events(SpanData span, String name) {
        return span.getEvents().stream().filter(e -> e.getName().equals(name)).toList();
    }

    @Test
    void aSuccessfulCallIsOneSpanNamedAfterThePipelineAndCurrentDuringTheCall() throws Exception {
        Pipeline p = traced("inventory", retry(3));
        List<Span> seen = new CopyOnWriteArrayList<>();

        assertThat(p.call(() -> {
            seen.add(Span.current());
            return "ok";
        })).isEqualTo("ok");

        SpanData span = otel.span("inventory");
        assertThat(otel.spans()).hasSize(1);
        assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(span.hasEnded()).isTrue();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().get(TracingNames.PIPELINE)).isEqualTo("inventory");
        assertThat(span.getAttributes().get(TracingNames.OUTCOME)).isEqualTo("success");
        assertThat(span.getEvents()).isEmpty();
        assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo(TracingNames.INSTRUMENTATION_SCOPE);
        assertThat(seen).singleElement().satisfies(s -> assertThat(s.getSpanContext().getSpanId()).isEqualTo(span.getSpanId()));
        assertThat(Span.current().getSpanContext().isValid()).as("no span leaks out of the call").isFalse();
    }

    @Test
    void aPipelineThatIsOnlyTracedDoesNotTimeItsCalls() throws Exception {
        dev.sinew.time.CountingClock counted = new dev.sinew.time.CountingClock(clock);
        Pipeline p = tracing.instrument(Pipeline.builder("inventory").clock(counted).add(retry(3)).build());
        assertThat(p.events().active()).as("the listener is attached for policy events").isTrue();
        assertThat(p.events().observed()).as("but nobody needs call durations").isFalse();

        p.call(() -> "ok");

        assertThat(counted.reads).hasValue(0);
        assertThat(otel.span("inventory").getAttributes().get(TracingNames.OUTCOME)).isEqualTo("success");
    }

    @Test
    void theSpanIsAChildOfTheCallersSpan() throws Exception {
        Pipeline p = traced("inventory");
        Span parent = otel.sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = parent.makeCurrent()) {
            p.call(() -> "ok");
        } finally {
            parent.end();
        }
        SpanData span = otel.span("inventory");
        assertThat(span.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(span.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    }

    @Test
    void aFailedCallEndsTheSpanWithErrorAndTheException() {
        Pipeline p = traced("payment", retry(2));
        IllegalStateException down = new IllegalStateException("payment down");

        assertThatThrownBy(() -> p.call(() -> {
            throw down;
        })).isSameAs(down);

        SpanData span = otel.span("payment");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).isEqualTo("payment down");
        assertThat(span.getAttributes().get(TracingNames.OUTCOME)).isEqualTo("failure");
        assertThat(eventNames(span)).containsExactly(TracingNames.RETRY, TracingNames.RETRIES_EXHAUSTED, "exception");
        assertThat(events(span, "exception").get(0).getAttributes().get(
                io.opentelemetry.api.common.AttributeKey.stringKey("exception.type")))
                .isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void retriesAreEventsWithAttemptDelayAndError() throws Exception {
        Pipeline p = traced("catalog", Retry.of(RetryConfig.builder().maxAttempts(3)
                .backoff(Backoff.fixed(Duration.ofMillis(40))).build()));
        AtomicInteger calls = new AtomicInteger();

        assertThat(p.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new java.io.IOException("reset");
            }
            return "ok";
        })).isEqualTo("ok");

        SpanData span = otel.span("catalog");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        List<EventData> retries = events(span, TracingNames.RETRY);
        assertThat(retries).hasSize(2);
        assertThat(retries).extracting(e -> e.getAttributes().get(TracingNames.ATTEMPT)).containsExactly(1L, 2L);
        assertThat(retries).extracting(e -> e.getAttributes().get(TracingNames.DELAY_MS)).containsExactly(40.0, 40.0);
        assertThat(retries).extracting(e -> e.getAttributes().get(TracingNames.POLICY)).containsOnly("retry");
        assertThat(retries).extracting(e -> e.getAttributes().get(TracingNames.ERROR_TYPE))
                .containsOnly("java.io.IOException");
    }

    @Test
    void aRetryRefusedByTheBudgetIsAnEvent() {
        RetryBudget empty = RetryBudget.builder().percentCanRetry(0).minRetriesPerSecond(0).clock(clock).build();
        Pipeline p = traced("shipping", Retry.of(RetryConfig.builder().maxAttempts(3).backoff(Backoff.none())
                .budget(empty).build()));

        assertThatThrownBy(() -> p.call(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);

        SpanData span = otel.span("shipping");
        assertThat(eventNames(span)).containsExactly(TracingNames.RETRY_DENIED, "exception");
        assertThat(events(span, TracingNames.RETRY_DENIED).get(0).getAttributes().get(TracingNames.ATTEMPT)).isEqualTo(1L);
    }

    @Test
    void theCallThatTripsTheBreakerCarriesTheStateChangeAndLaterCallsAreRejected() {
        CircuitBreaker breaker = CircuitBreaker.of(CircuitBreakerConfig.builder()
                .windowSize(2).minimumCalls(2).failureRateThreshold(50).openDuration(Duration.ofMinutes(1)).build());
        Pipeline p = traced("recommendation", breaker);
        for (int i = 0; i < 2; i++) {
            assertThat(p.tryCall(() -> {
                throw new IllegalStateException("down");
            }).isFailure()).isTrue();
        }
        assertThat(p.tryCall(() -> "never runs").isRejected()).isTrue();

        List<SpanData> spans = otel.spans();
        assertThat(spans).hasSize(3);
        assertThat(eventNames(spans.get(0))).doesNotContain(TracingNames.STATE_CHANGE);
        EventData change = events(spans.get(1), TracingNames.STATE_CHANGE).get(0);
        assertThat(change.getAttributes().get(TracingNames.STATE_FROM)).isEqualTo("CLOSED");
        assertThat(change.getAttributes().get(TracingNames.STATE_TO)).isEqualTo("OPEN");
        assertThat(change.getAttributes().get(TracingNames.POLICY)).isEqualTo("breaker");

        SpanData rejected = spans.get(2);
        assertThat(eventNames(rejected)).containsExactly(TracingNames.REJECTED);
        assertThat(rejected.getEvents().get(0).getAttributes().get(TracingNames.REJECTION)).isEqualTo("CIRCUIT_OPEN");
        assertThat(rejected.getEvents().get(0).getAttributes().get(TracingNames.POLICY)).isEqualTo("breaker");
        assertThat(rejected.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(rejected.getStatus().getDescription()).contains("breaker");
        assertThat(rejected.getAttributes().get(TracingNames.OUTCOME)).isEqualTo("rejected");
    }

    @Test
    void aTimeoutIsAnEventAndTheSpansError() {
        Pipeline p = traced("auth", Timeout.of(TimeoutConfig.builder().duration(Duration.ofMillis(100)).interrupt(false).build()));

        assertThatThrownBy(() -> p.call(() -> {
            clock.advance(Duration.ofMillis(150));
            return "late";
        })).isInstanceOf(TimeoutExceededException.class);

        SpanData span = otel.span("auth");
        assertThat(eventNames(span)).containsExactly(TracingNames.TIMEOUT, "exception");
        assertThat(span.getEvents().get(0).getAttributes().get(TracingNames.TIMEOUT_MS)).isEqualTo(100.0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void aFallbackAnswerIsASuccessWithAFallbackEvent() throws Exception {
        Pipeline p = traced("recommendation", Fallback.ofValue("bestsellers"));

        Object answer = p.call(() -> {
            throw new IllegalStateException("down");
        });
        assertThat(answer).isEqualTo("bestsellers");

        SpanData span = otel.span("recommendation");
        assertThat(eventNames(span)).containsExactly(TracingNames.FALLBACK);
        assertThat(span.getEvents().get(0).getAttributes().get(TracingNames.ERROR_TYPE))
                .isEqualTo(IllegalStateException.class.getName());
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().get(TracingNames.OUTCOME)).isEqualTo("success");
    }

    @Test
    void aFailingResultIsAnError() throws Exception {
        Pipeline p = tracing.instrument(Pipeline.builder("http").clock(clock)
                .classifier(dev.sinew.pipeline.Classifier.builder().failOnResult(r -> "503".equals(r)).build()).build());
        assertThat(p.call(() -> "503")).isEqualTo("503");
        SpanData span = otel.span("http");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(TracingNames.OUTCOME)).isEqualTo("failure");
    }

    @Test
    void anAsyncCallEndsItsSpanWhenTheFutureCompletesWithItsRetriesAsEvents() throws Exception {
        Pipeline p = traced("orders", retry(3));
        AtomicInteger attempts = new AtomicInteger();
        List<String> spanIdsSeenByAttempts = new CopyOnWriteArrayList<>();
        CompletableFuture<String> gate = new CompletableFuture<>();

        CompletableFuture<String> result = p.callAsync(() -> {
            spanIdsSeenByAttempts.add(Span.current().getSpanContext().getSpanId());
            int n = attempts.incrementAndGet();
            return gate.thenApplyAsync(go -> {
                if (n < 3) {
                    throw new IllegalStateException("attempt " + n + " failed");
                }
                return "ok";
            }, executor);
        });
        assertThat(otel.spans()).as("the span is open while the call runs").isEmpty();
        gate.complete("go");

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        SpanData span = otel.span("orders"); // ended before the caller's future completed
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(events(span, TracingNames.RETRY)).extracting(e -> e.getAttributes().get(TracingNames.ATTEMPT))
                .containsExactly(1L, 2L);
        assertThat(spanIdsSeenByAttempts).hasSize(3).containsOnly(span.getSpanId());
    }

    @Test
    void aFailedAsyncCallEndsItsSpanWithError() {
        Pipeline p = traced("orders", retry(1));
        CompletableFuture<String> result = p.callAsync(() -> CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("down");
        }, executor));

        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        SpanData span = otel.span("orders");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(eventNames(span)).contains("exception");
    }

    @Test
    void aRejectedAsyncCallCarriesTheRejection() {
        CircuitBreaker breaker = CircuitBreaker.of(CircuitBreakerConfig.defaults());
        Pipeline p = traced("orders", breaker);
        breaker.forceOpen();

        CompletableFuture<String> result = p.callAsync(() -> CompletableFuture.completedFuture("never"));

        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RejectedException.class);
        SpanData span = otel.span("orders");
        assertThat(eventNames(span)).containsExactly(TracingNames.REJECTED);
        assertThat(span.getAttributes().get(TracingNames.OUTCOME)).isEqualTo("rejected");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void theSpanKindCanBeClient() throws Exception {
        SinewTracing client = SinewTracing.builder(otel.sdk).spanKind(SpanKind.CLIENT).build();
        Pipeline p = client.instrument(Pipeline.builder("payment").build());
        p.call(() -> "ok");
        assertThat(otel.span("payment").getKind()).isEqualTo(SpanKind.CLIENT);
    }
}
