package dev.sinew.retry;

import dev.sinew.time.CountingClock;

import dev.sinew.pipeline.RefusingPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {

    record Response(int status) {
    }

    static final class Throttled extends IOException implements RetryAfter {
        private final Duration after;

        Throttled(Duration after) {
            super("429");
            this.after = after;
        }

        @Override
        public Duration retryAfter() {
            return after;
        }
    }

    private final TestClock clock = new TestClock();
    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private Pipeline pipeline(Retry retry) {
        return Pipeline.builder("payment").clock(clock).listener(listener).add(retry).build();
    }

    private static RetryConfig.Builder fixed100ms() {
        return RetryConfig.builder().backoff(Backoff.fixed(Duration.ofMillis(100)));
    }

    @Test
    void retriesUpToMaxAttemptsAndThrowsTheLastCheckedExceptionUnchanged() {
        IOException[] thrown = new IOException[1];
        Pipeline p = pipeline(Retry.of(fixed100ms().maxAttempts(4).build()));
        long start = clock.nanoTime();
        Throwable t = catchThrowable(() -> p.call(() -> {
            calls.incrementAndGet();
            thrown[0] = new IOException("down " + calls.get());
            throw thrown[0];
        }));
        assertThat(t).isSameAs(thrown[0]).hasMessage("down 4").hasNoSuppressedExceptions();
        assertThat(calls).hasValue(4);
        assertThat(clock.nanoTime() - start).isEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(listener.events).containsExactly(
                "retry retry #1 100ms IOException",
                "retry retry #2 100ms IOException",
                "retry retry #3 100ms IOException",
                "exhausted retry #4 IOException");
    }

    @Test
    void returnsTheFirstSuccess() throws Exception {
        Pipeline p = pipeline(Retry.of(fixed100ms().build()));
        String r = p.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(listener.events).hasSize(2);
    }

    @Test
    void aFirstSuccessNeitherWaitsNorReadsTheClockNorFiresEvents() throws Exception {
        CountingClock counting = new CountingClock(clock);
        RetryBudget budget = RetryBudget.builder().clock(counting).build();
        Pipeline p = Pipeline.builder("p").clock(counting)
                .add(Retry.of(fixed100ms().budget(budget).build())).build();
        long readsBefore = counting.reads.get();
        for (int i = 0; i < 63; i++) {
            assertThat(p.call(() -> "ok")).isEqualTo("ok");
        }
        assertThat(counting.reads.get() - readsBefore).isZero();
        for (int i = 0; i < 65; i++) {
            p.call(() -> "ok");
        }
        assertThat(counting.reads.get() - readsBefore).as("one reading per 64 deposits").isEqualTo(2);
        assertThat(budget.deposits()).isEqualTo(128);
        assertThat(budget.granted()).isZero();
    }

    @Test
    void retriesFailingResultsAndReturnsTheLastOne() throws Exception {
        Pipeline p = pipeline(Retry.of(fixed100ms()
                .<Response>retryOnResult(r -> r.status() == 503).build()));
        Response r = p.call(() -> new Response(calls.incrementAndGet() < 3 ? 503 : 200));
        assertThat(r.status()).isEqualTo(200);
        assertThat(calls).hasValue(3);

        calls.set(0);
        listener.events.clear();
        Response last = p.call(() -> new Response(503 + 0 * calls.incrementAndGet()));
        assertThat(last.status()).isEqualTo(503);
        assertThat(calls).hasValue(3);
        assertThat(listener.events).last().isEqualTo("exhausted retry #3 Response[status=503]");

        calls.set(0);
        assertThat(p.call(() -> "not a response " + calls.incrementAndGet())).isEqualTo("not a response 1");
    }

    @Test
    void byDefaultRetriesWhatTheClassifierCountsAsFailure() throws Exception {
        Classifier classifier = Classifier.builder().<Response>failOnResult(r -> r.status() >= 500)
                .ignore(IllegalStateException.class).build();
        Pipeline p = Pipeline.builder("p").clock(clock).classifier(classifier)
                .add(Retry.of(fixed100ms().build())).build();
        Response r = p.call(() -> new Response(calls.incrementAndGet() < 2 ? 503 : 200));
        assertThat(r.status()).isEqualTo(200);
        assertThat(calls).hasValue(2);

        calls.set(0);
        assertThatThrownBy(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("ignored");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(calls).as("ignored exceptions are not retried").hasValue(1);

        // the policy's own classifier wins over the pipeline's
        Pipeline own = Pipeline.builder("q").clock(clock).classifier(classifier)
                .add(Retry.of(fixed100ms().classifier(Classifier.DEFAULT).build())).build();
        calls.set(0);
        assertThat(own.call(() -> new Response(503 + 0 * calls.incrementAndGet())).status()).isEqualTo(503);
        assertThat(calls).hasValue(1);
    }

    @Test
    void retryOnNarrowsTheRetriedExceptionsButNeverRetriesIgnoredOnes() {
        Classifier classifier = Classifier.builder().ignore(java.io.FileNotFoundException.class).build();
        Pipeline p = pipeline(Retry.of(fixed100ms().retryOn(IOException.class).classifier(classifier).build()));
        assertThatThrownBy(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("bad request");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);

        calls.set(0);
        assertThatThrownBy(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new java.io.FileNotFoundException("ignored");
        })).isInstanceOf(java.io.FileNotFoundException.class);
        assertThat(calls).hasValue(1);

        calls.set(0);
        Pipeline predicate = Pipeline.builder("p2").clock(clock).add(Retry.of(fixed100ms()
                .retryOnError(e -> e.getMessage().contains("again")).build())).build();
        assertThatThrownBy(() -> predicate.call(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("try again");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(3);
    }

    @Test
    void errorsAreNotRetriedUnlessNamed() {
        Pipeline p = pipeline(Retry.of(fixed100ms().build()));
        assertThatThrownBy(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new AssertionError("bug");
        })).isInstanceOf(AssertionError.class);
        assertThat(calls).hasValue(1);

        calls.set(0);
        Pipeline named = Pipeline.builder("n").clock(clock)
                .add(Retry.of(fixed100ms().retryOn(AssertionError.class).build())).build();
        assertThatThrownBy(() -> named.call(() -> {
            calls.incrementAndGet();
            throw new AssertionError("bug");
        })).isInstanceOf(AssertionError.class);
        assertThat(calls).hasValue(3);
    }

    @Test
    void rejectionsFromInnerPoliciesAreNotRetried() {
        RefusingPolicy refuse = new RefusingPolicy();
        RetryBudget budget = RetryBudget.builder().clock(clock).build();
        Pipeline p = Pipeline.builder("p").clock(clock).listener(listener)
                .add(Retry.of(fixed100ms().budget(budget).build()), refuse).build();
        assertThatThrownBy(() -> p.call(() -> "never")).isInstanceOf(RejectedException.class);
        RefusingPolicy quietRefuse = new RefusingPolicy();
        Pipeline quiet = Pipeline.builder("q").clock(clock)
                .add(Retry.of(fixed100ms().budget(budget).build()), quietRefuse).build();
        Outcome<String> o = quiet.tryCall(() -> "never");
        assertThat(o.isRejected()).isTrue();
        assertThat(refuse.refused).hasValue(1);
        assertThat(quietRefuse.refused).hasValue(1);
        assertThat(listener.events).isEmpty();
        assertThat(budget.granted()).isZero();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void aRetryAfterHintLongerThanTheBackoffIsHonoured() throws Exception {
        Pipeline p = pipeline(Retry.of(fixed100ms().build()));
        long start = clock.nanoTime();
        String r = p.call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new Throttled(Duration.ofSeconds(2));
            }
            if (calls.get() == 2) {
                throw new Throttled(Duration.ofMillis(50)); // shorter than the backoff: backoff wins
            }
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(clock.nanoTime() - start).isEqualTo(Duration.ofMillis(2_100).toNanos());
        assertThat(listener.events).containsExactly("retry retry #1 2000ms Throttled", "retry retry #2 100ms Throttled");
    }

    @Test
    void aRetryAfterExtractorReadsHintsFromResults() throws Exception {
        record Reply(int status, Duration retryAfter) {
        }
        Pipeline p = pipeline(Retry.of(fixed100ms().<Reply>retryOnResult(r -> r.status() == 503)
                .retryAfter(o -> o instanceof Reply reply ? reply.retryAfter() : null).build()));
        long start = clock.nanoTime();
        Reply r = p.call(() -> calls.incrementAndGet() == 1 ? new Reply(503, Duration.ofSeconds(5)) : new Reply(200, null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(clock.nanoTime() - start).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void aHintLongerThanMaxRetryAfterGivesUpAtOnce() {
        RetryBudget budget = RetryBudget.builder().clock(clock).build();
        Pipeline p = pipeline(Retry.of(fixed100ms().budget(budget).maxRetryAfter(Duration.ofSeconds(30)).build()));
        long start = clock.nanoTime();
        Throttled throttled = new Throttled(Duration.ofSeconds(31));
        Throwable t = catchThrowable(() -> p.call(() -> {
            calls.incrementAndGet();
            throw throttled;
        }));
        assertThat(t).isSameAs(throttled);
        assertThat(calls).hasValue(1);
        assertThat(clock.nanoTime()).isEqualTo(start);
        assertThat(budget.granted()).as("no token taken for a retry that did not happen").isZero();
        assertThat(listener.events).containsExactly("exhausted retry #1 Throttled");
    }

    @Test
    void maxDelayCapsTheBackoff() throws Exception {
        Pipeline p = pipeline(Retry.of(RetryConfig.builder().maxAttempts(4)
                .backoff(Backoff.exponential(Duration.ofSeconds(1), 2, Duration.ofMinutes(1)))
                .maxDelay(Duration.ofMillis(1_500)).build()));
        catchThrowable(() -> p.call(() -> {
            throw new IOException();
        }));
        assertThat(listener.events).containsExactly("retry retry #1 1000ms IOException",
                "retry retry #2 1500ms IOException", "retry retry #3 1500ms IOException",
                "exhausted retry #4 IOException");
    }

    @Test
    void aDeniedRetryIsVisibleToListenersAndOnTheException() {
        RetryBudget empty = RetryBudget.builder().percentCanRetry(0).minRetriesPerSecond(0).clock(clock).build();
        Pipeline p = pipeline(Retry.of("payment-retry", fixed100ms().budget(empty).build()));
        IOException failure = new IOException("down");
        for (int i = 0; i < 2; i++) { // the same instance thrown twice gets one marker
            Throwable t = catchThrowable(() -> p.call(() -> {
                calls.incrementAndGet();
                throw failure;
            }));
            assertThat(t).isSameAs(failure);
        }
        assertThat(calls).hasValue(2);
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(failure.getSuppressed()[0]).isInstanceOf(RetryBudgetExhaustedException.class)
                .hasMessage("pipeline 'payment': payment-retry did not retry: the retry budget is exhausted");
        assertThat(failure.getSuppressed()[0].getStackTrace()).isEmpty();
        assertThat(RetryBudgetExhaustedException.presentIn(failure)).isTrue();
        assertThat(RetryBudgetExhaustedException.presentIn(new IOException())).isFalse();
        assertThat(listener.events).containsExactly("denied payment-retry #1 IOException",
                "denied payment-retry #1 IOException");
        assertThat(empty.denied()).isEqualTo(2);

        // an exception that disabled suppression still comes out unchanged
        RuntimeException noSuppression = new RuntimeException("x", null, false, false) {
        };
        assertThat(catchThrowable(() -> p.call(() -> {
            throw noSuppression;
        }))).isSameAs(noSuppression);
        assertThat(noSuppression.getSuppressed()).isEmpty();
    }

    @Test
    void theBudgetIsDepositedOncePerCallAndWithdrawnOncePerRetry() {
        RetryBudget budget = RetryBudget.builder().clock(clock).build();
        Pipeline p = pipeline(Retry.of(fixed100ms().maxAttempts(3).budget(budget).build()));
        for (int i = 0; i < 10; i++) {
            catchThrowable(() -> p.call(() -> {
                throw new IOException();
            }));
        }
        assertThat(budget.deposits()).isEqualTo(10);
        assertThat(budget.granted()).isEqualTo(20);
    }

    @Test
    void anInterruptDuringTheBackoffStopsRetryingAndKeepsTheFlag() {
        Pipeline p = pipeline(Retry.of(fixed100ms().build()));
        IOException failure = new IOException("down");
        Throwable t = catchThrowable(() -> p.call(() -> {
            calls.incrementAndGet();
            Thread.currentThread().interrupt(); // e.g. the caller is being cancelled
            throw failure;
        }));
        assertThat(Thread.interrupted()).isTrue();
        assertThat(t).isSameAs(failure);
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anInterruptedExceptionFromTheCallIsNotRetried() {
        Pipeline p = pipeline(Retry.of(fixed100ms().build()));
        assertThatThrownBy(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new InterruptedException();
        })).isInstanceOf(InterruptedException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void reconfigureAppliesLive() {
        Retry retry = Retry.of(fixed100ms().maxAttempts(2).build());
        Pipeline p = pipeline(retry);
        catchThrowable(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new IOException();
        }));
        assertThat(calls).hasValue(2);
        retry.reconfigure(retry.config().toBuilder().maxAttempts(5).build());
        assertThat(retry.config().maxAttempts()).isEqualTo(5);
        calls.set(0);
        catchThrowable(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new IOException();
        }));
        assertThat(calls).hasValue(5);
        assertThat(retry.name()).isEqualTo("retry");
        assertThat(retry).hasToString("Retry[payment/retry]");
    }

    @Test
    void configDefaultsAndValidation() {
        RetryConfig d = RetryConfig.defaults();
        assertThat(d.maxAttempts()).isEqualTo(3);
        assertThat(d.backoff()).hasToString("Backoff.fullJitter(100ms, 10s)");
        assertThat(d.budget()).isNull();
        assertThat(d.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxDelay()).isNull();
        RetryConfig round = d.toBuilder().build();
        assertThat(round).hasToString(d.toString());

        assertThatThrownBy(() -> RetryConfig.builder().maxAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-attempts: 0 is not allowed; expected an integer from 1 to 100");
        assertThatThrownBy(() -> RetryConfig.builder().maxAttempts(101).build())
                .hasMessage("max-attempts: 101 is not allowed; expected an integer from 1 to 100");
        assertThatThrownBy(() -> RetryConfig.builder().backoff(null).build())
                .hasMessageStartingWith("backoff: null is not allowed; expected a backoff strategy");
        assertThatThrownBy(() -> RetryConfig.builder().maxDelay(Duration.ZERO).build())
                .hasMessage("max-delay: 0s is not allowed; expected a positive duration");
        assertThatThrownBy(() -> RetryConfig.builder().maxRetryAfter(Duration.ofSeconds(-1)).build())
                .hasMessage("max-retry-after: -1s is not allowed; expected a duration of zero or more");
    }

    @Test
    void aSingleAttemptNeverRetries() {
        Pipeline p = pipeline(Retry.of(fixed100ms().maxAttempts(1).build()));
        catchThrowable(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new IOException();
        }));
        assertThat(calls).hasValue(1);
        assertThat(listener.events).containsExactly("exhausted retry #1 IOException");
    }
}
