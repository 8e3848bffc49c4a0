package dev.sinew.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.breaker.RecordingListener.Change;
import dev.sinew.event.CircuitState;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RefusingPolicy;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import dev.sinew.time.Clock;
import dev.sinew.time.CountingClock;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final TestClock clock = new TestClock();
    private final RecordingListener events = new RecordingListener();

    private Pipeline pipeline(CircuitBreaker cb) {
        return Pipeline.builder("payment").clock(clock).listener(events).add(cb).build();
    }

    private static Outcome<String> ok(Pipeline p) {
        return p.tryCall(() -> "ok");
    }

    private static Outcome<String> fail(Pipeline p) {
        return p.tryCall(() -> {
            throw new IOException("down");
        });
    }

    private Outcome<String> slow(Pipeline p, Duration d) {
        return p.tryCall(() -> {
            clock.advance(d);
            return "slow";
        });
    }

    private static CircuitBreakerConfig.Builder count(int size) {
        return CircuitBreakerConfig.builder().windowType(WindowType.COUNT).windowSize(size);
    }

    /** Opens a breaker with window 1 and minimum 1 by one failure. */
    private static void open(Pipeline p) {
        assertThat(fail(p).isFailure()).isTrue();
    }

    // ---- open state without a clock read per rejection ----

    @Test
    void openRejectionsReadNoClockAndTheTimerEndsTheOpenTime() {
        CountingClock counting = new CountingClock(clock);
        CircuitBreaker cb = CircuitBreaker.of(count(1).minimumCalls(1).halfOpenProbes(1).openDuration(Duration.ofSeconds(5)).build());
        Pipeline p = Pipeline.builder("payment").clock(counting).add(cb).build();
        open(p);
        long readsBefore = counting.reads.get();
        for (int i = 0; i < 63; i++) {
            assertThat(ok(p).isRejected()).isTrue();
        }
        assertThat(counting.reads.get() - readsBefore).as("clock reads by 63 rejections").isZero();
        clock.advance(Duration.ofSeconds(5)); // runs the timer scheduled when the breaker opened
        assertThat(ok(p).isSuccess()).as("first call after the open time is a probe").isTrue();
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aStalledTimerCannotKeepTheBreakerOpen() {
        Clock stalledTimer = new Clock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                clock.sleepNanos(nanos);
            }

            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                return () -> false; // the task never runs
            }
        };
        CircuitBreaker cb = CircuitBreaker.of(count(1).minimumCalls(1).halfOpenProbes(1).openDuration(Duration.ofSeconds(5)).build());
        Pipeline p = Pipeline.builder("payment").clock(stalledTimer).add(cb).build();
        open(p);
        clock.advance(Duration.ofSeconds(6));
        int rejectedAfterExpiry = 0;
        while (ok(p).isRejected()) {
            rejectedAfterExpiry++;
            assertThat(rejectedAfterExpiry).as("rejections after the open time ended").isLessThan(64);
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
    }

    // ---- opening ----

    @Test
    void opensWhenTheFailureRateReachesTheThreshold() {
        CircuitBreaker cb = CircuitBreaker.of(count(10).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 5; i++) {
            ok(p);
        }
        for (int i = 0; i < 4; i++) {
            fail(p);
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.failureRate()).isEqualTo(400.0 / 9);
        fail(p); // 5 of 10 = 50%
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        assertThat(events.changes).containsExactly(new Change(CircuitState.CLOSED, CircuitState.OPEN));

        Outcome<String> refused = ok(p);
        assertThat(refused.isRejected()).isTrue();
        assertThat(refused.rejection().kind()).isEqualTo(RejectionKind.CIRCUIT_OPEN);
        assertThat(refused.rejection().policy()).isEqualTo("breaker");
        assertThat(refused.rejection().getMessage()).contains("payment").contains("open");
        assertThatThrownBy(() -> p.call(() -> "x")).isInstanceOf(RejectedException.class);
        assertThat(events.rejections).hasValue(2);
        assertThat(events.rejectionKinds).containsOnly(RejectionKind.CIRCUIT_OPEN);
    }

    @Test
    void waitsForTheMinimumNumberOfCalls() {
        CircuitBreaker cb = CircuitBreaker.of(count(100).minimumCalls(10).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 9; i++) {
            fail(p);
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.bufferedCalls()).isEqualTo(9);
        fail(p);
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void minimumCallsDefaultsToTenOrASmallerCountWindow() {
        assertThat(count(100).build().minimumCalls()).isEqualTo(10);
        assertThat(count(4).build().minimumCalls()).isEqualTo(4);
        assertThat(CircuitBreakerConfig.builder().windowType(WindowType.TIME).windowSize(2).build().minimumCalls()).isEqualTo(10);
    }

    @Test
    void countWindowForgetsTheOldestOutcomes() {
        CircuitBreaker cb = CircuitBreaker.of(count(4).failureRateThreshold(75).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 4; i++) {
            ok(p);
        }
        fail(p); // S S S F
        fail(p); // S S F F
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.metrics().failedCalls()).isEqualTo(2);
        fail(p); // S F F F = 75%, although 3 of 7 calls overall failed
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void opensWhenTheSlowCallRateReachesTheThreshold() {
        CircuitBreaker cb = CircuitBreaker.of(count(4).slowCallRateThreshold(50).slowCallDuration(Duration.ofSeconds(1)).build());
        Pipeline p = pipeline(cb);
        ok(p);
        slow(p, Duration.ofMillis(999)); // not slow
        slow(p, Duration.ofSeconds(1));
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.metrics().slowCalls()).isEqualTo(1);
        slow(p, Duration.ofSeconds(2)); // 2 of 4 slow, all successful
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void slowCallsAreIgnoredWhenTheSlowThresholdIsOff() {
        CircuitBreaker cb = CircuitBreaker.of(count(4).slowCallDuration(Duration.ofMillis(1)).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 8; i++) {
            slow(p, Duration.ofSeconds(5));
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.slowCallRate()).isZero();
    }

    @Test
    void timeWindowForgetsCallsOlderThanTheWindow() {
        CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowType(WindowType.TIME).windowSize(10)
                .minimumCalls(4).failureRateThreshold(60).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 4; i++) {
            ok(p);
        }
        clock.advance(Duration.ofSeconds(11));
        for (int i = 0; i < 3; i++) {
            fail(p);
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED); // 3 calls < minimum 4
        assertThat(cb.bufferedCalls()).isEqualTo(3);
        fail(p); // 4 of 4 (the successes have expired); 4 of 8 = 50% would stay closed
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void timeWindowReevaluatesWhenOldSuccessesExpire() {
        CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowType(WindowType.TIME).windowSize(5)
                .minimumCalls(2).failureRateThreshold(50).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 4; i++) {
            ok(p);
        }
        clock.advance(Duration.ofSeconds(3));
        fail(p);
        fail(p); // 2 of 6
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        clock.advance(Duration.ofSeconds(2)); // the 4 successes drop out
        ok(p); // 2 failures of 3 calls
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    // ---- open duration ----

    @Test
    void staysOpenForTheOpenDurationThenTurnsHalfOpen() {
        CircuitBreaker cb = CircuitBreaker.of(count(1).openDuration(Duration.ofSeconds(30)).build());
        Pipeline p = pipeline(cb);
        open(p);
        clock.advance(Duration.ofSeconds(30).minusNanos(1));
        assertThat(ok(p).isRejected()).isTrue();
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        clock.advanceNanos(1);
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(events.changes).containsExactly(new Change(CircuitState.CLOSED, CircuitState.OPEN),
                new Change(CircuitState.OPEN, CircuitState.HALF_OPEN));
    }

    @Test
    void openDurationGrowsOnConsecutiveReopensUpToTheMaximumAndResetsOnClose() {
        CircuitBreaker cb = CircuitBreaker.of(count(1).openDuration(Duration.ofSeconds(10)).openDurationMultiplier(2)
                .maxOpenDuration(Duration.ofSeconds(50)).halfOpenProbes(1).build());
        Pipeline p = pipeline(cb);
        open(p);
        for (long expected : new long[] {10, 20, 40, 50, 50}) {
            assertThat(openSeconds(cb)).as("open duration").isEqualTo(expected);
            fail(p); // the probe fails: re-open
            assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        }
        assertThat(openSeconds(cb)).isEqualTo(50);
        ok(p); // the probe succeeds: close
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        open(p);
        assertThat(openSeconds(cb)).isEqualTo(10);
    }

    /** Advances second by second until the breaker is half-open; returns the seconds waited. */
    private long openSeconds(CircuitBreaker cb) {
        long waited = 0;
        while (cb.state() == CircuitState.OPEN) {
            clock.advance(Duration.ofSeconds(1));
            waited++;
            assertThat(waited).isLessThan(1000);
        }
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        return waited;
    }

    @Test
    void jitterSpreadsTheOpenDurationWithinItsBounds() {
        CircuitBreaker cb = CircuitBreaker.of(count(1).openDuration(Duration.ofSeconds(10)).openDurationJitter(0.5).build());
        Pipeline p = pipeline(cb);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 60; i++) {
            cb.reset();
            open(p);
            clock.advance(Duration.ofSeconds(5).minusNanos(1));
            assertThat(cb.state()).as("open at least 5 s").isEqualTo(CircuitState.OPEN);
            long waited = 5000;
            while (cb.state() == CircuitState.OPEN) {
                clock.advance(Duration.ofMillis(100));
                waited += 100;
            }
            assertThat(waited).as("open at most 15 s").isLessThanOrEqualTo(15_100);
            min = Math.min(min, waited);
            max = Math.max(max, waited);
        }
        assertThat(max - min).as("durations spread").isGreaterThan(2000);
        // and the formula itself, many times
        CircuitBreaker.Settings s = new CircuitBreaker.Settings(count(1).openDuration(Duration.ofSeconds(10))
                .openDurationJitter(0.2).openDurationMultiplier(3).maxOpenDuration(Duration.ofSeconds(60)).build(), null, 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(CircuitBreaker.openNanos(s, 1)).isBetween(8_000_000_000L, 12_000_000_000L);
            assertThat(CircuitBreaker.openNanos(s, 2)).isBetween(24_000_000_000L, 36_000_000_000L);
            assertThat(CircuitBreaker.openNanos(s, 5)).isBetween(48_000_000_000L, 72_000_000_000L);
        }
    }

    // ---- half-open ----

    /** An async call that stays pending until completed by the test, holding its permit. */
    private static final class Pending {
        final CompletableFuture<String> downstream = new CompletableFuture<>();
        final CompletableFuture<String> result;

        Pending(Pipeline p) {
            result = p.callAsync(() -> downstream);
        }

        boolean rejected() {
            return result.isCompletedExceptionally() && cause() instanceof RejectedException;
        }

        Throwable cause() {
            try {
                result.get(0, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (Exception e) {
                return e;
            }
        }
    }

    private CircuitBreaker halfOpen(CircuitBreakerConfig.Builder b, Pipeline[] out) {
        CircuitBreaker cb = CircuitBreaker.of(b.windowSize(1).openDuration(Duration.ofSeconds(1)).build());
        Pipeline p = pipeline(cb);
        open(p);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        out[0] = p;
        return cb;
    }

    @Test
    void halfOpenLetsExactlyTheProbesThroughThenClosesWhenTheyPass() {
        Pipeline[] p = new Pipeline[1];
        CircuitBreaker cb = halfOpen(count(1).halfOpenProbes(3), p);
        List<Pending> probes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            probes.add(new Pending(p[0]));
        }
        assertThat(probes).noneMatch(Pending::rejected);
        Pending fourth = new Pending(p[0]);
        assertThat(fourth.rejected()).isTrue();
        assertThat(fourth.cause().getMessage()).contains("probe");
        probes.get(0).downstream.complete("a");
        probes.get(1).downstream.complete("b");
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(new Pending(p[0]).rejected()).isTrue();
        probes.get(2).downstream.complete("c");
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.bufferedCalls()).isZero();
        assertThat(ok(p[0]).isSuccess()).isTrue();
    }

    @Test
    void halfOpenReopensAsSoonAsTheProbesCannotStayBelowTheThreshold() {
        Pipeline[] p = new Pipeline[1];
        CircuitBreaker cb = halfOpen(count(1).halfOpenProbes(4).failureRateThreshold(50), p);
        List<Pending> probes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            probes.add(new Pending(p[0]));
        }
        probes.get(0).downstream.completeExceptionally(new IOException());
        probes.get(1).downstream.complete("ok");
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        probes.get(2).downstream.completeExceptionally(new IOException()); // 2 of 4 failed = 50% whatever comes next
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        probes.get(3).downstream.complete("late"); // recorded into the old half-open state: no effect
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        assertThat(events.changes).endsWith(new Change(CircuitState.HALF_OPEN, CircuitState.OPEN));
    }

    @Test
    void halfOpenClosesWhenFailuresStayBelowTheThreshold() {
        Pipeline[] p = new Pipeline[1];
        CircuitBreaker cb = halfOpen(count(1).halfOpenProbes(4).failureRateThreshold(50), p);
        fail(p[0]);
        ok(p[0]);
        ok(p[0]);
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        ok(p[0]);
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void slowProbesReopen() {
        Pipeline[] p = new Pipeline[1];
        CircuitBreaker cb = halfOpen(count(1).halfOpenProbes(2).slowCallRateThreshold(50)
                .slowCallDuration(Duration.ofMillis(100)), p);
        slow(p[0], Duration.ofMillis(100));
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void callsPermittedWhileClosedAreNotProbes() {
        CircuitBreaker cb = CircuitBreaker.of(count(2).minimumCalls(1).halfOpenProbes(1)
                .openDuration(Duration.ofSeconds(1)).build());
        Pipeline p = pipeline(cb);
        Pending early = new Pending(p); // permitted while closed
        fail(p);
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        early.downstream.complete("late success"); // must neither close the breaker nor use the probe
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(cb.bufferedCalls()).isZero();
        Pending probe = new Pending(p);
        assertThat(probe.rejected()).isFalse();
        probe.downstream.completeExceptionally(new IOException());
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    // ---- what is recorded ----

    @Test
    void failingResultsCountAsFailuresThroughTheClassifier() {
        Classifier c = Classifier.builder().failOnResult((Integer status) -> status >= 500).build();
        CircuitBreaker cb = CircuitBreaker.of(count(2).classifier(c).build());
        Pipeline p = pipeline(cb);
        assertThat(p.tryCall(() -> 200).isSuccess()).isTrue();
        assertThat(cb.metrics().failedCalls()).isZero();
        assertThat(p.tryCall(() -> 503).value()).isEqualTo(503); // the value still reaches the caller
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void usesThePipelineClassifierWhenItHasNone() {
        CircuitBreaker cb = CircuitBreaker.of(count(2).build());
        Pipeline p = Pipeline.builder("p").clock(clock).add(cb)
                .classifier(Classifier.builder().failOn(IOException.class).build()).build();
        p.tryCall(() -> {
            throw new IllegalStateException("not a failure here");
        });
        p.tryCall(() -> {
            throw new IllegalStateException("not a failure here");
        });
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.bufferedCalls()).isEqualTo(2);
        fail(p);
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void ignoredExceptionsAreNotRecordedAndGiveTheProbeBack() {
        Classifier c = Classifier.builder().ignore(IllegalArgumentException.class).build();
        CircuitBreaker cb = CircuitBreaker.of(count(1).classifier(c).halfOpenProbes(1).openDuration(Duration.ofSeconds(1)).build());
        Pipeline p = pipeline(cb);
        Callable<String> ignored = () -> {
            throw new IllegalArgumentException("bad input");
        };
        for (int i = 0; i < 5; i++) {
            assertThat(p.tryCall(ignored).error()).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(cb.bufferedCalls()).isZero();
        open(p);
        clock.advance(Duration.ofSeconds(1));
        p.tryCall(ignored); // uses the only probe, then gives it back
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(ok(p).isSuccess()).isTrue();
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
    }


    @Test
    void innerRejectionsPassThroughUnrecorded() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of(count(1).halfOpenProbes(1).openDuration(Duration.ofSeconds(1)).build());
        Pipeline p = Pipeline.builder("p").clock(clock).add(cb, new RefusingPolicy("bulkhead", RejectionKind.BULKHEAD_FULL)).build();
        for (int i = 0; i < 3; i++) {
            assertThat(ok(p).rejection().kind()).isEqualTo(RejectionKind.BULKHEAD_FULL);
            assertThatThrownBy(() -> p.callAsync(() -> CompletableFuture.completedFuture("x")).get())
                    .hasCauseInstanceOf(RejectedException.class);
        }
        assertThat(cb.bufferedCalls()).isZero();
        // half-open: an inner rejection gives the probe back
        CircuitBreaker cb2 = CircuitBreaker.of(count(1).halfOpenProbes(1).openDuration(Duration.ofSeconds(1)).build());
        RefusingPolicy refusing = new RefusingPolicy("bulkhead", RejectionKind.BULKHEAD_FULL);
        Pipeline p2 = Pipeline.builder("p2").clock(clock).add(cb2).build();
        open(p2);
        clock.advance(Duration.ofSeconds(1));
        p2.replacePolicies(List.of(cb2, refusing));
        assertThat(ok(p2).rejection().kind()).isEqualTo(RejectionKind.BULKHEAD_FULL);
        p2.replacePolicies(List.of(cb2));
        assertThat(ok(p2).isSuccess()).isTrue();
        assertThat(cb2.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void asyncCallsAreRecordedOnCompletionAndRejectedWithoutRunning() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of(count(2).build());
        Pipeline p = pipeline(cb);
        CompletableFuture<String> down = new CompletableFuture<>();
        CompletableFuture<String> f = p.callAsync(() -> down);
        assertThat(cb.bufferedCalls()).isZero();
        down.completeExceptionally(new IOException("late"));
        assertThatThrownBy(f::get).hasCauseInstanceOf(IOException.class);
        assertThat(cb.bufferedCalls()).isEqualTo(1);
        p.callAsync(() -> CompletableFuture.failedFuture(new IOException()));
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<String> refused = p.callAsync(() -> {
            ran.incrementAndGet();
            return CompletableFuture.completedFuture("x");
        });
        assertThatThrownBy(refused::get).hasCauseInstanceOf(RejectedException.class);
        assertThat(ran).hasValue(0);
    }

    // ---- operator controls ----

    @Test
    void forceOpenDisableAndReset() {
        CircuitBreaker cb = CircuitBreaker.of(count(2).build());
        Pipeline p = pipeline(cb);
        ok(p);
        cb.forceOpen();
        assertThat(cb.state()).isEqualTo(CircuitState.FORCED_OPEN);
        clock.advance(Duration.ofDays(1));
        assertThat(ok(p).rejection().getMessage()).contains("forced open");
        assertThat(cb.state()).isEqualTo(CircuitState.FORCED_OPEN);

        cb.disable();
        for (int i = 0; i < 10; i++) {
            assertThat(fail(p).isFailure()).isTrue();
        }
        assertThat(cb.state()).isEqualTo(CircuitState.DISABLED);
        assertThat(cb.bufferedCalls()).isZero();

        cb.reset();
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        fail(p);
        assertThat(cb.bufferedCalls()).isEqualTo(1);
        cb.close();
        assertThat(cb.bufferedCalls()).as("fresh window").isZero();
        assertThat(events.changes).containsExactly(
                new Change(CircuitState.CLOSED, CircuitState.FORCED_OPEN),
                new Change(CircuitState.FORCED_OPEN, CircuitState.DISABLED),
                new Change(CircuitState.DISABLED, CircuitState.CLOSED));
    }

    // ---- live reconfiguration ----

    @Test
    void reconfigureKeepsAnOpenBreakerOpenUntilItsDeadline() {
        CircuitBreaker cb = CircuitBreaker.of(count(1).openDuration(Duration.ofSeconds(10)).build());
        Pipeline p = pipeline(cb);
        open(p);
        cb.reconfigure(cb.config().toBuilder().openDuration(Duration.ofSeconds(100)).windowSize(50).build());
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        assertThat(cb.config().openDuration()).isEqualTo(Duration.ofSeconds(100));
        clock.advance(Duration.ofSeconds(10));
        assertThat(cb.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void reconfigureResizesACountWindowKeepingTheMostRecentOutcomes() {
        CircuitBreaker cb = CircuitBreaker.of(count(10).failureRateThreshold(60).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 5; i++) {
            fail(p);
        }
        for (int i = 0; i < 3; i++) {
            ok(p);
        }
        assertThat(cb.metrics().failedCalls()).isEqualTo(5);
        cb.reconfigure(cb.config().toBuilder().windowSize(4).build()); // keeps F S S S
        assertThat(cb.bufferedCalls()).isEqualTo(4);
        assertThat(cb.metrics().failedCalls()).isEqualTo(1);
        cb.reconfigure(cb.config().toBuilder().windowSize(20).build()); // grows, keeps all 4
        assertThat(cb.bufferedCalls()).isEqualTo(4);
        fail(p);
        assertThat(cb.bufferedCalls()).isEqualTo(5);
        assertThat(cb.metrics().failedCalls()).isEqualTo(2);
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void reconfigureKeepsTheBucketsOfATimeWindow() {
        CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowType(WindowType.TIME).windowSize(10)
                .minimumCalls(4).build());
        Pipeline p = pipeline(cb);
        fail(p);
        clock.advance(Duration.ofSeconds(3));
        fail(p);
        ok(p);
        cb.reconfigure(cb.config().toBuilder().windowSize(20).build());
        assertThat(cb.bufferedCalls()).isEqualTo(3);
        cb.reconfigure(cb.config().toBuilder().windowSize(2).build()); // only the last 2 seconds
        assertThat(cb.bufferedCalls()).isEqualTo(2);
        cb.reconfigure(cb.config().toBuilder().minimumCalls(3).build());
        fail(p); // 2 failures of 3
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void reconfigureKeepsTheProbeCountOfARunningHalfOpenState() {
        Pipeline[] p = new Pipeline[1];
        CircuitBreaker cb = halfOpen(count(1).halfOpenProbes(3), p);
        Pending first = new Pending(p[0]);
        cb.reconfigure(cb.config().toBuilder().halfOpenProbes(1).build());
        Pending second = new Pending(p[0]);
        Pending third = new Pending(p[0]);
        assertThat(second.rejected() || third.rejected()).isFalse();
        assertThat(new Pending(p[0]).rejected()).isTrue();
        first.downstream.complete("a");
        second.downstream.complete("b");
        third.downstream.complete("c");
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        open(p[0]);
        clock.advance(Duration.ofSeconds(1));
        new Pending(p[0]);
        assertThat(new Pending(p[0]).rejected()).as("the new probe count applies to the next half-open").isTrue();
    }

    @Test
    void reconfigureChangesThresholdsWithoutLosingCounts() {
        CircuitBreaker cb = CircuitBreaker.of(count(10).failureRateThreshold(90).build());
        Pipeline p = pipeline(cb);
        for (int i = 0; i < 10; i++) {
            if (i % 2 == 0) {
                fail(p);
            } else {
                ok(p);
            }
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        cb.reconfigure(cb.config().toBuilder().failureRateThreshold(60).build());
        assertThat(cb.bufferedCalls()).isEqualTo(10);
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        cb.reconfigure(cb.config().toBuilder().failureRateThreshold(50).build()); // 5 of 10 reach the new threshold
        assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
    }

    // ---- slow calls in flight ----

    @Test
    void callsHangingPastTheSlowDurationOpenTheBreakerBeforeTheyEnd() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of(count(10).minimumCalls(3).slowCallRateThreshold(50)
                .slowCallDuration(Duration.ofSeconds(2)).build());
        Pipeline p = pipeline(cb);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        List<Thread> hanging = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> p.tryCall(() -> {
                entered.incrementAndGet();
                release.await();
                return "finally";
            }));
            t.start();
            hanging.add(t);
        }
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> entered.get() == 3);
            clock.advance(Duration.ofSeconds(1));
            assertThat(ok(p).isSuccess()).as("not slow yet").isTrue();
            clock.advance(Duration.ofSeconds(2));
            assertThat(cb.metrics().slowCallsInFlight()).isEqualTo(3);
            assertThat(ok(p).isRejected()).as("3 hanging calls of 4 are slow").isTrue();
            assertThat(cb.state()).isEqualTo(CircuitState.OPEN);
        } finally {
            release.countDown();
            for (Thread t : hanging) {
                t.join(5000);
            }
        }
        assertThat(hanging).noneMatch(Thread::isAlive);
    }

    @Test
    void callsInFlightAreForgottenWhenTheyEnd() {
        CircuitBreaker cb = CircuitBreaker.of(count(10).minimumCalls(2).slowCallRateThreshold(50)
                .slowCallDuration(Duration.ofSeconds(1)).build());
        Pipeline p = pipeline(cb);
        List<Pending> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(new Pending(p));
            clock.advance(Duration.ofMillis(300));
        }
        for (int i = calls.size() - 1; i >= 0; i--) { // fast ones first, so that 2 slow of 5 stay below 50%
            calls.get(i).downstream.complete("ok");
        }
        assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(cb.metrics().slowCallsInFlight()).isZero();
        assertThat(cb.metrics().slowCalls()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 20; i++) {
            assertThat(ok(p).isSuccess()).isTrue();
        }
        assertThat(cb.metrics().slowCallsInFlight()).isZero();
    }

    @Test
    void slowCallsInFlightAreCountedEvenLongAfterTheRingWrapped() {
        CircuitBreaker cb = CircuitBreaker.of(count(100).minimumCalls(10).slowCallRateThreshold(50)
                .slowCallDuration(Duration.ofMillis(100)).build());
        Pipeline p = pipeline(cb);
        List<Pending> old = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            old.add(new Pending(p));
        }
        for (int i = 0; i < 30; i++) { // fast calls in many later periods reuse every ring slot
            clock.advance(Duration.ofMillis(40));
            ok(p);
        }
        assertThat(cb.metrics().slowCallsInFlight()).isEqualTo(4);
        old.forEach(c -> c.downstream.complete("done"));
        assertThat(cb.metrics().slowCallsInFlight()).isZero();
    }

    // ---- cost ----

    @Test
    void aClosedCountWindowReadsNoClockWhenSlowCallsAreOff() throws Exception {
        CountingClock c = new CountingClock(new TestClock());
        CircuitBreaker cb = CircuitBreaker.of(count(10).build());
        Pipeline p = Pipeline.builder("p").clock(c).add(cb).build();
        long before = c.reads.get();
        for (int i = 0; i < 1000; i++) {
            p.call(() -> "ok");
            if (i % 10 == 0) {
                p.tryCall(() -> {
                    throw new IOException();
                });
            }
        }
        assertThat(c.reads.get() - before).isZero();
    }

    // ---- configuration ----

    @Test
    void invalidSettingsNameTheirKey() {
        assertThatThrownBy(() -> count(0).build()).hasMessageStartingWith("window-size: 0").hasMessageContaining("1 to 1000000");
        assertThatThrownBy(() -> count(1_000_001).build()).hasMessageStartingWith("window-size: 1000001");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().windowType(WindowType.TIME).windowSize(3601).build())
                .hasMessageStartingWith("window-size: 3601").hasMessageContaining("seconds");
        assertThatThrownBy(() -> count(5).minimumCalls(6).build()).hasMessageStartingWith("minimum-calls: 6");
        assertThatThrownBy(() -> count(5).minimumCalls(0).build()).hasMessageStartingWith("minimum-calls: 0");
        assertThatThrownBy(() -> count(5).failureRateThreshold(0).build()).hasMessageStartingWith("failure-rate-threshold: 0.0");
        assertThatThrownBy(() -> count(5).failureRateThreshold(101).build()).hasMessageStartingWith("failure-rate-threshold: 101.0");
        assertThatThrownBy(() -> count(5).slowCallRateThreshold(Double.NaN).build()).hasMessageStartingWith("slow-call-rate-threshold: NaN");
        assertThatThrownBy(() -> count(5).slowCallDuration(Duration.ZERO).build()).hasMessageStartingWith("slow-call-duration: PT0S");
        assertThatThrownBy(() -> count(5).slowCallDuration(null).build()).hasMessageStartingWith("slow-call-duration");
        assertThatThrownBy(() -> count(5).openDuration(Duration.ofSeconds(-1)).build()).hasMessageStartingWith("open-duration: PT-1S");
        assertThatThrownBy(() -> count(5).openDurationMultiplier(0.5).build()).hasMessageStartingWith("open-duration-multiplier: 0.5");
        assertThatThrownBy(() -> count(5).openDuration(Duration.ofSeconds(10)).maxOpenDuration(Duration.ofSeconds(5)).build())
                .hasMessageStartingWith("max-open-duration: PT5S").hasMessageContaining("open-duration PT10S");
        assertThatThrownBy(() -> count(5).openDurationJitter(1.5).build()).hasMessageStartingWith("open-duration-jitter: 1.5");
        assertThatThrownBy(() -> count(5).halfOpenProbes(0).build()).hasMessageStartingWith("half-open-probes: 0");
        assertThatThrownBy(() -> count(5).windowType(null)).hasMessageContaining("window-type");
    }

    @Test
    void defaultsAndToBuilderRoundTrip() {
        CircuitBreakerConfig d = CircuitBreakerConfig.defaults();
        assertThat(d.windowType()).isEqualTo(WindowType.COUNT);
        assertThat(d.windowSize()).isEqualTo(100);
        assertThat(d.failureRateThreshold()).isEqualTo(50.0);
        assertThat(d.slowCallRateThreshold()).isEqualTo(100.0);
        assertThat(d.slowCallsTracked()).isFalse();
        assertThat(d.slowCallDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.openDurationMultiplier()).isEqualTo(1.0);
        assertThat(d.maxOpenDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.openDurationJitter()).isZero();
        assertThat(d.halfOpenProbes()).isEqualTo(5);
        assertThat(d.toBuilder().build().toString()).isEqualTo(d.toString());
        // a default minimum follows a resized window
        assertThat(d.toBuilder().windowSize(3).build().minimumCalls()).isEqualTo(3);
        assertThat(CircuitBreaker.of(d).name()).isEqualTo("breaker");
        assertThat(CircuitBreaker.of("payments", d).name()).isEqualTo("payments");
    }
}
