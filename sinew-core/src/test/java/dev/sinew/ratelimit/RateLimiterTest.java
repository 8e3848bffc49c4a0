package dev.sinew.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.time.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final TestClock clock = new TestClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private Pipeline pipeline(RateLimiter limiter) {
        return Pipeline.builder("search").clock(clock).add(limiter).build();
    }

    private static int admitted(Pipeline p, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (!p.tryCall(() -> "ok").isRejected()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void allowsABurstThenTheSustainedRate() {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(10).burst(5).build());
        Pipeline p = pipeline(limiter);
        assertThat(limiter.availablePermits()).isEqualTo(5);
        assertThat(admitted(p, 20)).isEqualTo(5);
        assertThat(limiter.availablePermits()).isZero();
        clock.advance(Duration.ofMillis(99));
        assertThat(admitted(p, 1)).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(admitted(p, 5)).isEqualTo(1);
        clock.advance(Duration.ofMillis(300));
        assertThat(limiter.availablePermits()).isEqualTo(3);
        assertThat(admitted(p, 10)).isEqualTo(3);
        clock.advance(Duration.ofSeconds(10)); // a long quiet period refills only up to the burst
        assertThat(limiter.availablePermits()).isEqualTo(5);
        assertThat(admitted(p, 10)).isEqualTo(5);
    }

    @Test
    void overTimeAdmitsTheConfiguredRate() {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().rate(100, Duration.ofMinutes(1)).burst(1).build());
        Pipeline p = pipeline(limiter);
        int total = 0;
        for (int ms = 0; ms < 60_000; ms += 100) {
            total += admitted(p, 3);
            clock.advanceMillis(100);
        }
        assertThat(total).isBetween(100, 101);
    }

    @Test
    void refusesWithAPreallocatedRejectionAndAnEvent() {
        AtomicInteger rejected = new AtomicInteger();
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(1).build());
        Pipeline p = Pipeline.builder("search").clock(clock).add(limiter).listener(new PipelineListener() {
            @Override
            public void onRejected(String pipeline, String policy, RejectionKind kind) {
                assertThat(policy).isEqualTo("rate-limiter");
                assertThat(kind).isEqualTo(RejectionKind.RATE_LIMITED);
                rejected.incrementAndGet();
            }
        }).build();
        assertThat(p.tryCall(() -> "ok").value()).isEqualTo("ok");
        Outcome<String> o1 = p.tryCall(() -> "no");
        Outcome<String> o2 = p.tryCall(() -> "no");
        assertThat(o1.isRejected()).isTrue();
        assertThat(o1).isSameAs(o2);
        assertThatThrownBy(() -> p.call(() -> "no")).isInstanceOfSatisfying(RejectedException.class, e -> {
            assertThat(e.kind()).isEqualTo(RejectionKind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("search").contains("rate-limiter");
        });
        assertThat(rejected).hasValue(3);
    }

    @Test
    void waitsForAPermitWithinMaxWait() throws Exception {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder()
                .permitsPerSecond(10).burst(1).maxWait(Duration.ofMillis(250)).build());
        Pipeline p = pipeline(limiter);
        long t0 = clock.nanoTime();
        assertThat(p.call(() -> "first")).isEqualTo("first");
        assertThat(clock.nanoTime() - t0).isZero();
        assertThat(p.call(() -> "second")).isEqualTo("second"); // sleeps 100 ms on the test clock
        assertThat(clock.nanoTime() - t0).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(p.call(() -> "third")).isEqualTo("third");
        assertThat(clock.nanoTime() - t0).isEqualTo(Duration.ofMillis(200).toNanos());
    }

    @Test
    void refusesWhenThePermitWouldComeAfterMaxWait() {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder()
                .permitsPerSecond(10).burst(1).maxWait(Duration.ofMillis(150)).build());
        Pipeline p = pipeline(limiter);
        // reservations queue up without the clock moving, as concurrent waiters would
        assertThat(p.callAsync(() -> CompletableFuture.completedFuture("a"))).isCompleted(); // now
        CompletableFuture<String> b = p.callAsync(() -> CompletableFuture.completedFuture("b")); // in 100 ms
        CompletableFuture<String> c = p.callAsync(() -> CompletableFuture.completedFuture("c")); // 200 ms > 150
        assertThat(b).isNotDone();
        assertThat(c).isCompletedExceptionally();
        assertThatThrownBy(c::get).cause().isInstanceOf(RejectedException.class);
        clock.advance(Duration.ofMillis(99));
        assertThat(b).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(b).isCompletedWithValue("b");
    }

    @Test
    void asyncCallsWaitOnTheClock() throws Exception {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder()
                .permitsPerSecond(2).burst(1).maxWait(Duration.ofSeconds(1)).build());
        Pipeline p = pipeline(limiter);
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<Integer> first = p.callAsync(() -> CompletableFuture.completedFuture(started.incrementAndGet()));
        CompletableFuture<Integer> second = p.callAsync(() -> CompletableFuture.completedFuture(started.incrementAndGet()));
        assertThat(first.get()).isEqualTo(1);
        assertThat(started).hasValue(1);
        clock.advance(Duration.ofMillis(500));
        assertThat(second.get()).isEqualTo(2);
        IllegalStateException boom = new IllegalStateException("boom");
        clock.advance(Duration.ofSeconds(1));
        CompletableFuture<Object> failing = p.callAsync(() -> CompletableFuture.failedFuture(boom));
        assertThatThrownBy(failing::get).cause().isSameAs(boom);
    }

    @Test
    void reconfigureKeepsTheBucketsFill() {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(10).burst(10).build());
        Pipeline p = pipeline(limiter);
        assertThat(admitted(p, 6)).isEqualTo(6);
        assertThat(limiter.availablePermits()).isEqualTo(4);
        // a bigger bucket at a higher rate: the 6 used permits stay used
        limiter.reconfigure(RateLimiterConfig.builder().permitsPerSecond(100).burst(100).build());
        assertThat(limiter.availablePermits()).isEqualTo(94);
        assertThat(admitted(p, 200)).isEqualTo(94);
        // a smaller bucket: the debt is capped at the new burst, refilled at the new rate
        limiter.reconfigure(RateLimiterConfig.builder().permitsPerSecond(5).burst(5).build());
        assertThat(limiter.availablePermits()).isZero();
        assertThat(limiter.config().burst()).isEqualTo(5);
        clock.advance(Duration.ofMillis(200));
        assertThat(admitted(p, 5)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(admitted(p, 10)).isEqualTo(5);
    }

    @RepeatedTest(3)
    void underContentionPermitsNeverExceedBurstPlusRateTimesElapsed() throws Exception {
        double rate = 2_000;
        int burst = 50;
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(rate).burst(burst).build());
        long start = System.nanoTime();
        Pipeline p = Pipeline.builder("stress").add(limiter).build();
        int threads = 4;
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        long runNanos = Duration.ofMillis(300).toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                barrier.await();
                while (System.nanoTime() - start < runNanos) {
                    if (p.tryCall(() -> null).isRejected()) {
                        refused.incrementAndGet();
                    } else {
                        granted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        assertThat((double) granted.get()).isLessThanOrEqualTo(burst + rate * elapsedSeconds);
        assertThat(granted.get()).as("the limiter admitted more than the burst").isGreaterThan(burst);
        assertThat(refused).as("contention happened").hasPositiveValue();
    }

    @Test
    void waitingCallsUnderContentionAreSpacedByTheRate() throws Exception {
        // four threads, each taking 25 permits with waiting; the test clock only moves by their sleeps
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder()
                .permitsPerSecond(100).burst(1).maxWait(Duration.ofSeconds(10)).build());
        Pipeline p = pipeline(limiter);
        long t0 = clock.nanoTime();
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    assertThat(p.tryCall(done::incrementAndGet).isRejected()).isFalse();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertThat(done).hasValue(100);
        // 100 permits at 100/s with a burst of 1: the last one is due 990 ms after the first
        assertThat(clock.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(990).toNanos());
    }

    @Test
    void configDefaultsAndValidation() {
        RateLimiterConfig c = RateLimiterConfig.of(50);
        assertThat(c.burst()).isEqualTo(50);
        assertThat(c.maxWait()).isEqualTo(Duration.ZERO);
        assertThat(RateLimiterConfig.of(0.5).burst()).isEqualTo(1);
        assertThat(RateLimiterConfig.builder().rate(30, Duration.ofSeconds(10)).build().permitsPerSecond()).isEqualTo(3.0);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(RateLimiter.of(c).name()).isEqualTo("rate-limiter");
        assertThatThrownBy(() -> RateLimiterConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("permits-per-second: missing");
        assertThatThrownBy(() -> RateLimiterConfig.of(0))
                .hasMessage("permits-per-second: 0.0 is not allowed; expected a number from 0.001 to 1000000000");
        assertThatThrownBy(() -> RateLimiterConfig.of(Double.POSITIVE_INFINITY)).hasMessageStartingWith("permits-per-second: Infinity");
        assertThatThrownBy(() -> RateLimiterConfig.builder().rate(1, Duration.ZERO))
                .hasMessageStartingWith("permits-per-second:");
        assertThatThrownBy(() -> RateLimiterConfig.builder().permitsPerSecond(1).burst(0).build())
                .hasMessage("burst: 0 is not allowed; expected an integer from 1 to 1000000");
        assertThatThrownBy(() -> RateLimiterConfig.builder().permitsPerSecond(1).maxWait(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("max-wait: PT-1S is not allowed");
    }

    @Test
    void aClockReadingTakenBeforeAPreemptionDoesNotRefuse() throws Exception {
        // 1e9 per second with a burst of 1e6: the arrival time may run at most 1 ms ahead of now
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(1e9).burst(1_000_000).build());
        AtomicInteger armed = new AtomicInteger();
        Pipeline[] p = new Pipeline[1];
        dev.sinew.time.Clock preempted = new dev.sinew.time.Clock() {
            @Override
            public long nanoTime() {
                long t = clock.nanoTime();
                if (armed.compareAndSet(1, 0)) {
                    // this thread is preempted right after reading the clock; another one calls 5 ms later
                    clock.advance(Duration.ofMillis(5));
                    assertThat(p[0].tryCall(() -> "other").isSuccess()).isTrue();
                }
                return t;
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                clock.sleepNanos(nanos);
            }

            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                return clock.schedule(task, delayNanos);
            }
        };
        p[0] = Pipeline.builder("search").clock(preempted).add(limiter).build();
        assertThat(p[0].tryCall(() -> "first").isSuccess()).isTrue();
        armed.set(1);
        assertThat(p[0].tryCall(() -> "late").isSuccess()).as("the preempted call is admitted").isTrue();
        assertThat(armed.get()).as("the preemption was simulated").isZero();
    }

    @Test
    void theSuccessPathAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Pipeline p = Pipeline.builder("alloc").add(RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(1e9).burst(1_000_000).build())).build();
        java.util.concurrent.Callable<Object> call = () -> "ok";
        for (int i = 0; i < 20_000; i++) {
            p.call(call);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            p.call(call);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 10,000 calls").isLessThan(1_000);
    }
}
