package dev.sinew.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sinew.event.PipelineListener;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutTest {

    private final TestClock clock = new TestClock();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private Pipeline onTestClock(Timeout... timeouts) {
        return Pipeline.builder("payment").clock(clock).add(timeouts).build();
    }

    @Test
    void interruptsABlockedCallWhenTheTestClockPassesTheDeadline() throws Exception {
        Pipeline p = onTestClock(Timeout.of(Duration.ofSeconds(1)));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        Future<Throwable> f = pool.submit(() -> {
            try {
                p.call(() -> {
                    started.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        sawInterrupt.set(true);
                        throw e;
                    }
                    return "late";
                });
                return null;
            } catch (Throwable t) {
                return t;
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofMillis(999));
        assertThat(f.isDone()).isFalse();
        clock.advance(Duration.ofMillis(1));
        Throwable t = f.get(5, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(TimeoutExceededException.class)
                .hasMessageContaining("payment").hasMessageContaining("timeout").hasMessageContaining("PT1S");
        assertThat(t.getStackTrace()).isEmpty();
        assertThat(sawInterrupt).isTrue();
        assertThat(interruptedAfter).as("interrupt flag left set").isFalse();
    }

    @Test
    void aCallThatIgnoresTheInterruptFinishesLateButItsResultIsDiscarded() {
        AtomicInteger timeouts = new AtomicInteger();
        Pipeline p = Pipeline.builder("catalog").clock(clock).add(Timeout.of("per-attempt", TimeoutConfig.of(Duration.ofSeconds(1))))
                .listener(new PipelineListener() {
                    @Override
                    public void onTimeout(String pipeline, String policy, long timeoutNanos) {
                        assertThat(pipeline).isEqualTo("catalog");
                        assertThat(policy).isEqualTo("per-attempt");
                        assertThat(timeoutNanos).isEqualTo(1_000_000_000L);
                        timeouts.incrementAndGet();
                    }
                }).build();
        assertThatThrownBy(() -> p.call(() -> {
            clock.advance(Duration.ofSeconds(2)); // the deadline task interrupts this very thread
            return "late";
        })).isInstanceOf(TimeoutExceededException.class).hasMessageContaining("per-attempt");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(timeouts).hasValue(1);
    }

    @Test
    void aCallWithinItsDeadlineReturnsAndCancelsTheDeadline() throws Exception {
        Pipeline p = onTestClock(Timeout.of(Duration.ofSeconds(1)));
        assertThat(p.call(() -> {
            clock.advance(Duration.ofMillis(999));
            return "ok";
        })).isEqualTo("ok");
        assertThat(clock.pendingTasks()).isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void theCallsOwnExceptionPassesThroughUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        Pipeline p = onTestClock(Timeout.of(Duration.ofSeconds(1)));
        assertThatThrownBy(() -> p.call(() -> {
            throw boom;
        })).isSameAs(boom);
        Pipeline real = Pipeline.builder("real").add(Timeout.of(Duration.ofSeconds(5))).build();
        assertThatThrownBy(() -> real.call(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void withoutInterruptTheCallRunsToItsEndAndTheCallerGetsTheTimeout() {
        Pipeline p = onTestClock(Timeout.of(TimeoutConfig.builder().duration(Duration.ofSeconds(1)).interrupt(false).build()));
        AtomicBoolean interruptedInside = new AtomicBoolean();
        assertThatThrownBy(() -> p.call(() -> {
            clock.advance(Duration.ofSeconds(3));
            interruptedInside.set(Thread.currentThread().isInterrupted());
            return "late";
        })).isInstanceOf(TimeoutExceededException.class);
        assertThat(interruptedInside).isFalse();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void nestedTimeoutsOnTheTestClockTheShorterWins() throws Exception {
        // outer shorter than inner
        assertThat(blockAndAdvance(onTestClock(Timeout.of("outer", TimeoutConfig.of(Duration.ofSeconds(1))),
                Timeout.of("inner", TimeoutConfig.of(Duration.ofSeconds(5)))), Duration.ofSeconds(1)))
                .isInstanceOf(TimeoutExceededException.class)
                .satisfies(t -> assertThat(((TimeoutExceededException) t).policy()).isEqualTo("outer"));
        // inner shorter than outer
        assertThat(blockAndAdvance(onTestClock(Timeout.of("outer", TimeoutConfig.of(Duration.ofSeconds(5))),
                Timeout.of("inner", TimeoutConfig.of(Duration.ofSeconds(1)))), Duration.ofSeconds(1)))
                .isInstanceOf(TimeoutExceededException.class)
                .satisfies(t -> assertThat(((TimeoutExceededException) t).policy()).isEqualTo("inner"));
        assertThat(clock.pendingTasks()).isZero();
    }

    private Throwable blockAndAdvance(Pipeline p, Duration by) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        Future<Throwable> f = pool.submit(() -> {
            try {
                p.call(() -> {
                    started.countDown();
                    new CountDownLatch(1).await();
                    return null;
                });
                return null;
            } catch (Throwable t) {
                return t;
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(by);
        Throwable t = f.get(5, TimeUnit.SECONDS);
        assertThat(interruptedAfter).isFalse();
        return t;
    }

    @Test
    void nestedTimeoutsOnTheSystemClock() throws Exception {
        Pipeline outerShorter = Pipeline.builder("nested-1").add(Timeout.of("outer", TimeoutConfig.of(Duration.ofMillis(30))),
                Timeout.of("inner", TimeoutConfig.of(Duration.ofSeconds(30)))).build();
        assertThatThrownBy(() -> outerShorter.call(() -> {
            new CountDownLatch(1).await();
            return null;
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> assertThat(e.policy()).isEqualTo("outer"));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();

        Pipeline innerShorter = Pipeline.builder("nested-2").add(Timeout.of("outer", TimeoutConfig.of(Duration.ofSeconds(30))),
                Timeout.of("inner", TimeoutConfig.of(Duration.ofMillis(30)))).build();
        assertThatThrownBy(() -> innerShorter.call(() -> {
            new CountDownLatch(1).await();
            return null;
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> assertThat(e.policy()).isEqualTo("inner"));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();

        // the outer deadline outlives a timed-out inner call and still works afterwards
        Pipeline inner = Pipeline.builder("nested-3").add(Timeout.of("inner", TimeoutConfig.of(Duration.ofMillis(20)))).build();
        Pipeline outer = Pipeline.builder("nested-4").add(Timeout.of("outer", TimeoutConfig.of(Duration.ofMillis(300)))).build();
        assertThatThrownBy(() -> outer.call(() -> {
            assertThatThrownBy(() -> inner.call(() -> {
                new CountDownLatch(1).await();
                return null;
            })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> assertThat(e.policy()).isEqualTo("inner"));
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            new CountDownLatch(1).await();
            return null;
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> assertThat(e.policy()).isEqualTo("outer"));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(DeadlineWatchdog.INSTANCE.armed()).isZero();
    }

    @Test
    void noInterruptLeaksFromCallsThatFinishAroundTheirDeadline() throws Exception {
        Pipeline p = Pipeline.builder("tight").add(Timeout.of(Duration.ofNanos(30_000))).build();
        int threads = 4;
        int calls = 4_000;
        AtomicInteger leaked = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            futures.add(pool.submit(() -> {
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < calls; i++) {
                    long work = random.nextInt(150_000);
                    boolean park = random.nextBoolean();
                    try {
                        p.call(() -> {
                            if (park) {
                                java.util.concurrent.locks.LockSupport.parkNanos(work); // returns on interrupt, keeps the flag
                            } else {
                                long end = System.nanoTime() + work;
                                while (System.nanoTime() - end < 0) {
                                    Thread.onSpinWait(); // ignores interrupts
                                }
                            }
                            return null;
                        });
                        completed.incrementAndGet();
                    } catch (TimeoutExceededException e) {
                        timedOut.incrementAndGet();
                    }
                    if (Thread.interrupted()) {
                        leaked.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(leaked).as("calls that left their thread interrupted").hasValue(0);
        assertThat(completed.get() + timedOut.get()).isEqualTo(threads * calls);
        assertThat(timedOut).as("some deadlines fired").hasPositiveValue();
        assertThat(completed).as("some calls beat their deadline").hasPositiveValue();
        assertThat(DeadlineWatchdog.INSTANCE.armed()).isZero();
    }

    @Test
    void aThousandConcurrentTimedCallsShareOneWatchdogThread() throws Exception {
        int calls = 1_000;
        Pipeline longDeadline = Pipeline.builder("many-1").add(Timeout.of(Duration.ofSeconds(60))).build();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Thread t = new Thread(null, () -> {
                try {
                    longDeadline.call(() -> {
                        release.await();
                        return null;
                    });
                    ok.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "caller-" + i, 128 * 1024);
            t.start();
            threads.add(t);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> DeadlineWatchdog.INSTANCE.armed() == calls);
        assertThat(watchdogThreads()).isEqualTo(1);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sinew")).count())
                .as("sinew threads while %d timed calls run", calls).isLessThanOrEqualTo(2);
        release.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(ok).hasValue(calls);

        // and all of them time out through the same one thread
        Pipeline shortDeadline = Pipeline.builder("many-2").add(Timeout.of(Duration.ofMillis(200))).build();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger leaked = new AtomicInteger();
        threads.clear();
        for (int i = 0; i < calls; i++) {
            Thread t = new Thread(null, () -> {
                try {
                    shortDeadline.call(() -> {
                        new CountDownLatch(1).await();
                        return null;
                    });
                } catch (TimeoutExceededException e) {
                    timedOut.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                if (Thread.currentThread().isInterrupted()) {
                    leaked.incrementAndGet();
                }
            }, "caller-" + i, 128 * 1024);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(timedOut).hasValue(calls);
        assertThat(leaked).hasValue(0);
        assertThat(watchdogThreads()).isEqualTo(1);
        assertThat(DeadlineWatchdog.INSTANCE.armed()).isZero();
    }

    private static long watchdogThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(DeadlineWatchdog.THREAD_NAME)).count();
    }

    @Test
    void callsThatDoNotOverlapDoNotWakeTheWatchdogEachTime() throws Exception {
        Pipeline p = Pipeline.builder("payment").add(Timeout.of(Duration.ofSeconds(30))).build();
        p.call(() -> "warm"); // the watchdog runs and sleeps until this first deadline
        long before = DeadlineWatchdog.INSTANCE.wakeups();
        int calls = 20_000;
        for (int i = 0; i < calls; i++) {
            p.call(() -> "ok");
        }
        // each call arms a later deadline than the one the watchdog already sleeps until: no signal
        assertThat(DeadlineWatchdog.INSTANCE.wakeups() - before).as("watchdog wake-ups for %d calls in a row", calls)
                .isLessThan(calls / 100);
    }

    @Test
    void shortDeadlinesFireWhileOtherThreadsArmAndDisarmLongOnes() throws Exception {
        // the watchdog sleeps until the earliest deadline it knows; every shorter one armed meanwhile
        // must wake it, however the arms interleave with its sweeps
        Pipeline busy = Pipeline.builder("long").add(Timeout.of(Duration.ofSeconds(30))).build();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> churn = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            churn.add(pool.submit(() -> {
                while (!stop.get()) {
                    busy.call(() -> "ok");
                }
                return null;
            }));
        }
        int blocked = 300;
        AtomicInteger late = new AtomicInteger();
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int seed = t;
            callers.add(pool.submit(() -> {
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < blocked / 3; i++) {
                    long millis = 1 + random.nextInt(15);
                    Pipeline shortOne = Pipeline.builder("short").add(Timeout.of(Duration.ofMillis(millis))).build();
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> shortOne.call(() -> {
                        new CountDownLatch(1).await();
                        return null;
                    })).isInstanceOf(TimeoutExceededException.class);
                    if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(millis + 2_000)) {
                        late.incrementAndGet();
                    }
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : callers) {
                f.get(120, TimeUnit.SECONDS); // a missed wake-up would leave a caller blocked for 30 s or more
            }
        } finally {
            stop.set(true);
            for (Future<?> f : churn) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(late).as("short deadlines that fired more than 2 s late").hasValue(0);
        assertThat(DeadlineWatchdog.INSTANCE.armed()).isZero();
    }

    @Test
    void slotsOfThreadsThatEndedAreDropped() throws Exception {
        Pipeline p = Pipeline.builder("per-thread").add(Timeout.of(Duration.ofSeconds(30))).build();
        for (int i = 0; i < 5_000; i++) {
            Thread t = new Thread(() -> p.tryCall(() -> "ok"));
            t.start();
            t.join();
        }
        // every 1,024 new slots wake the watchdog to drop those of ended threads
        await().atMost(Duration.ofSeconds(10)).until(() -> DeadlineWatchdog.INSTANCE.registered() < 2_000);
    }

    @Test
    void asyncTimeoutFailsTheCallAndCancelsTheInnerFuture() {
        AtomicInteger timeouts = new AtomicInteger();
        Pipeline p = onTestClock(Timeout.of(Duration.ofSeconds(2)));
        p.events().add(new PipelineListener() {
            @Override
            public void onTimeout(String pipeline, String policy, long timeoutNanos) {
                timeouts.incrementAndGet();
            }
        });
        CompletableFuture<String> user = new CompletableFuture<>();
        CompletableFuture<String> result = p.callAsync(() -> user);
        clock.advance(Duration.ofMillis(1999));
        assertThat(result).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutExceededException.class).hasMessageContaining("PT2S");
        assertThat(user).as("the user's future is cancelled").isCancelled();
        assertThat(timeouts).hasValue(1);
    }

    @Test
    void asyncCallWithinTheDeadlineCompletesAndCancelsTheTimer() throws Exception {
        Pipeline p = onTestClock(Timeout.of(Duration.ofSeconds(2)));
        CompletableFuture<String> user = new CompletableFuture<>();
        CompletableFuture<String> result = p.callAsync(() -> user);
        assertThat(clock.pendingTasks()).isEqualTo(1);
        user.complete("ok");
        assertThat(result.get()).isEqualTo("ok");
        assertThat(clock.pendingTasks()).isZero();

        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<String> failed = p.callAsync(() -> failing);
        failing.completeExceptionally(boom);
        assertThatThrownBy(failed::get).cause().isSameAs(boom);
    }

    @Test
    void reconfigureAppliesToNewCalls() {
        Timeout timeout = Timeout.of(Duration.ofSeconds(1));
        Pipeline p = onTestClock(timeout);
        timeout.reconfigure(timeout.config().toBuilder().duration(Duration.ofSeconds(5)).build());
        assertThat(timeout.config().duration()).isEqualTo(Duration.ofSeconds(5));
        CompletableFuture<String> result = p.callAsync(CompletableFuture::new);
        clock.advance(Duration.ofSeconds(4));
        assertThat(result).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(result::get).cause().hasMessageContaining("PT5S");
    }

    @Test
    void timeoutIsAFailureForTheDefaultClassifier() {
        Pipeline p = onTestClock(Timeout.of(Duration.ofSeconds(1)));
        assertThatThrownBy(() -> p.call(() -> {
            clock.advance(Duration.ofSeconds(1));
            return null;
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> {
            assertThat(Classifier.DEFAULT.isFailure(e)).isTrue();
            assertThat(e.pipeline()).isEqualTo("payment");
            assertThat(e.timeoutNanos()).isEqualTo(1_000_000_000L);
        });
    }

    @Test
    void configValidationNamesTheKey() {
        TimeoutConfig defaults = TimeoutConfig.ofDefaults();
        assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.interrupt()).isTrue();
        assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
        assertThat(Timeout.of(defaults).name()).isEqualTo("timeout");
        assertThatThrownBy(() -> TimeoutConfig.builder().duration(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("duration: PT0S is not allowed");
        assertThatThrownBy(() -> TimeoutConfig.builder().duration(Duration.ofMillis(-1)).build())
                .hasMessageContaining("duration: PT-0.001S");
        assertThatThrownBy(() -> TimeoutConfig.builder().duration(null).build()).hasMessageContaining("duration: null");
        assertThatThrownBy(() -> TimeoutConfig.builder().duration(Duration.ofDays(2)).build()).hasMessageContaining("at most 1 day");
    }

    @Test
    void interruptIsClearedOnTheCallingThreadOfAFiredDeadlineEvenIfSomethingElseAwaited() throws Exception {
        // a fired deadline must not leave an interrupt that would break the caller's next blocking call
        Pipeline p = Pipeline.builder("next-call").add(Timeout.of(Duration.ofMillis(20))).build();
        AtomicReference<Throwable> first = new AtomicReference<>();
        try {
            p.call(() -> {
                new CountDownLatch(1).await();
                return null;
            });
        } catch (TimeoutExceededException e) {
            first.set(e);
        }
        assertThat(first.get()).isNotNull();
        CountDownLatch done = new CountDownLatch(1);
        done.countDown();
        assertThat(done.await(1, TimeUnit.SECONDS)).isTrue(); // would throw InterruptedException if leaked
    }

    @Test
    void theSuccessPathAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Pipeline p = Pipeline.builder("alloc").add(Timeout.of(Duration.ofSeconds(10))).build();
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
