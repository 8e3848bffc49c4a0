package dev.sinew.retry;

import dev.sinew.pipeline.RefusingPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sinew.event.Events;
import dev.sinew.pipeline.Async;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RetryAsyncTest {

    record Response(int status) {
    }

    private final TestClock clock = new TestClock();
    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger calls = new AtomicInteger();

    private Pipeline pipeline(RetryConfig config) {
        return Pipeline.builder("async").clock(clock).listener(listener).add(Retry.of(config)).build();
    }

    private static RetryConfig.Builder fixed1s() {
        return RetryConfig.builder().backoff(Backoff.fixed(Duration.ofSeconds(1)));
    }

    private Supplier<CompletionStage<String>> failingTimes(int failures) {
        return () -> calls.incrementAndGet() <= failures
                ? CompletableFuture.failedFuture(new IOException("down " + calls.get()))
                : CompletableFuture.completedFuture("ok");
    }

    @Test
    void retriesAreScheduledOnTheClock() {
        CompletableFuture<String> f = pipeline(fixed1s().build()).callAsync(failingTimes(2));
        assertThat(f).isNotDone();
        assertThat(calls).hasValue(1);
        assertThat(clock.pendingTasks()).isEqualTo(1);
        clock.advance(Duration.ofMillis(999));
        assertThat(calls).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(calls).hasValue(2);
        assertThat(f).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        assertThat(f).isCompletedWithValue("ok");
        assertThat(calls).hasValue(3);
        assertThat(listener.events).containsExactly("retry retry #1 1000ms IOException", "retry retry #2 1000ms IOException");
    }

    @Test
    void exhaustedRetriesFailWithTheLastExceptionUnwrapped() {
        CompletableFuture<String> f = pipeline(fixed1s().maxAttempts(3).build()).callAsync(failingTimes(10));
        clock.advance(Duration.ofSeconds(5));
        assertThat(calls).hasValue(3);
        Throwable t = catchThrowable(f::join);
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(t.getCause()).isInstanceOf(IOException.class).hasMessage("down 3");
        assertThat(listener.events).last().isEqualTo("exhausted retry #3 IOException");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void aSynchronousThrowFromTheSupplierIsRetriedToo() {
        CompletableFuture<String> f = pipeline(fixed1s().build()).callAsync(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("threw before returning a stage");
            }
            return CompletableFuture.completedFuture("ok");
        });
        clock.advance(Duration.ofSeconds(1));
        assertThat(f).isCompletedWithValue("ok");
    }

    @Test
    void retriesFailingResults() {
        CompletableFuture<Response> f = pipeline(fixed1s().<Response>retryOnResult(r -> r.status() == 503).build())
                .callAsync(() -> CompletableFuture.completedFuture(new Response(calls.incrementAndGet() < 3 ? 503 : 200)));
        clock.advance(Duration.ofSeconds(2));
        assertThat(f.join().status()).isEqualTo(200);
        assertThat(calls).hasValue(3);
    }

    @Test
    void withoutDelayRetriesRunAtOnce() {
        CompletableFuture<String> f = pipeline(RetryConfig.builder().backoff(Backoff.none()).maxAttempts(5).build())
                .callAsync(failingTimes(4));
        assertThat(f).isCompletedWithValue("ok");
        assertThat(calls).hasValue(5);
    }

    @Test
    void rejectionsAreNotRetried() {
        RefusingPolicy refuse = new RefusingPolicy();
        Pipeline p = Pipeline.builder("async").clock(clock).add(Retry.of(fixed1s().build()), refuse).build();
        CompletableFuture<String> f = p.callAsync(() -> CompletableFuture.completedFuture("never"));
        assertThat(catchThrowable(f::join)).hasCauseInstanceOf(RejectedException.class);
        assertThat(refuse.refused).hasValue(1);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void budgetDenialEndsTheRetriesWithTheMarker() {
        RetryBudget budget = RetryBudget.builder().percentCanRetry(0).minRetriesPerSecond(1)
                .ttl(Duration.ofSeconds(1)).clock(clock).build(); // exactly one retry
        CompletableFuture<String> f = pipeline(fixed1s().maxAttempts(5).budget(budget).build()).callAsync(failingTimes(10));
        clock.advance(Duration.ofMillis(1_000));
        assertThat(calls).hasValue(2);
        Throwable t = catchThrowable(f::join).getCause();
        assertThat(t).hasMessage("down 2");
        assertThat(RetryBudgetExhaustedException.presentIn(t)).isTrue();
        assertThat(listener.events).containsExactly("retry retry #1 1000ms IOException", "denied retry #2 IOException");
    }

    @Test
    void aCompletedResultFutureStopsFurtherAttempts() {
        Retry retry = Retry.of(fixed1s().maxAttempts(10).build());
        retry.attach(new PolicyContext("direct", clock, new Events(), Classifier.DEFAULT));
        CompletableFuture<Object> f = retry.executeAsync(Async::start, failingTimes(100));
        assertThat(calls).hasValue(1);
        f.cancel(false);
        clock.advance(Duration.ofSeconds(20));
        assertThat(calls).hasValue(1);
    }
}
