package dev.sinew.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.breaker.RecordingListener.Change;
import dev.sinew.event.CircuitState;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Races between real threads, repeated to catch rare interleavings. */
class CircuitBreakerStressTest {

    private static final int THREADS = 4;
    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Runs {@code task} on every pool thread at once; returns when all have finished. */
    private static void race(Runnable task) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                task.run();
                return null;
            }));
        }
        ready.await();
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void halfOpenLetsExactlyTheProbesThroughWhenThreadsRace() throws Exception {
        for (int round = 0; round < 500; round++) {
            int probes = 1 + round % 3;
            TestClock clock = new TestClock();
            RecordingListener events = new RecordingListener();
            CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(1).halfOpenProbes(probes)
                    .openDuration(Duration.ofSeconds(1)).build());
            Pipeline p = Pipeline.builder("race").clock(clock).listener(events).add(cb).build();
            p.tryCall(() -> {
                throw new IOException();
            });
            clock.advance(Duration.ofSeconds(1)); // the open -> half-open transition itself is raced for too
            java.util.Queue<CompletableFuture<String>> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
            AtomicInteger permitted = new AtomicInteger();
            race(() -> {
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<String> downstream = new CompletableFuture<>();
                    CompletableFuture<String> r = p.callAsync(() -> downstream);
                    if (!r.isDone()) {
                        permitted.incrementAndGet();
                        held.add(downstream);
                    }
                }
            });
            assertThat(permitted).as("round " + round).hasValue(probes);
            assertThat(events.changes).as("round " + round).containsExactly(
                    new Change(CircuitState.CLOSED, CircuitState.OPEN), new Change(CircuitState.OPEN, CircuitState.HALF_OPEN));
            // the probes end concurrently too: exactly one of them closes the breaker
            race(() -> {
                CompletableFuture<String> f;
                while ((f = held.poll()) != null) {
                    f.complete("ok");
                }
            });
            assertThat(cb.state()).isEqualTo(CircuitState.CLOSED);
            assertThat(events.changes).hasSize(3).last().isEqualTo(new Change(CircuitState.HALF_OPEN, CircuitState.CLOSED));
        }
    }

    @Test
    void noTransitionIsLostOrReportedTwice() throws Exception {
        for (int round = 0; round < 100; round++) {
            TestClock clock = new TestClock();
            RecordingListener events = new RecordingListener();
            CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(4).minimumCalls(2)
                    .halfOpenProbes(2).openDuration(Duration.ofMillis(1)).build());
            Pipeline p = Pipeline.builder("churn").clock(clock).listener(events).add(cb).build();
            AtomicInteger ticker = new AtomicInteger();
            race(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < 2000; i++) {
                    if (rnd.nextInt(3) == 0) {
                        p.tryCall(() -> {
                            throw new IOException();
                        });
                    } else {
                        p.tryCall(() -> "ok");
                    }
                    if (ticker.incrementAndGet() % 7 == 0) {
                        clock.advanceMillis(1);
                    }
                    if (i % 500 == 499 && rnd.nextBoolean()) {
                        cb.forceOpen();
                        cb.reset();
                    }
                }
            });
            CircuitState now = cb.state();
            Map<CircuitState, Integer> net = new EnumMap<>(CircuitState.class);
            net.put(CircuitState.CLOSED, 1);
            for (Change c : events.changes) {
                assertThat(c.from()).isNotEqualTo(c.to());
                net.merge(c.from(), -1, Integer::sum);
                net.merge(c.to(), 1, Integer::sum);
            }
            for (Map.Entry<CircuitState, Integer> e : net.entrySet()) {
                assertThat(e.getValue()).as("entries minus exits of " + e.getKey()).isEqualTo(e.getKey() == now ? 1 : 0);
            }
            assertThat(events.changes.size()).as("the breaker did change state").isGreaterThan(10);
        }
    }

    @Test
    void windowCountsStayConsistentUnderConcurrency() throws Exception {
        for (int round = 0; round < 30; round++) {
            boolean overflow = round % 2 == 0; // more calls than the window holds, or fewer
            int perThread = overflow ? 3000 : 200;
            TestClock clock = new TestClock();
            CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(1000)
                    .failureRateThreshold(100).build());
            Pipeline p = Pipeline.builder("counts").clock(clock).add(cb).build();
            race(() -> {
                for (int i = 0; i < perThread; i++) {
                    if (i % 4 == 0) {
                        p.tryCall(() -> {
                            throw new IOException();
                        });
                    } else {
                        p.tryCall(() -> "ok");
                    }
                }
            });
            Window.CountWindow w = (Window.CountWindow) cb.closedWindow();
            assertThat(w.counts(clock.nanoTime())).as("aggregate equals ring, round " + round).containsExactly(w.recount());
            if (overflow) {
                assertThat(cb.bufferedCalls()).isEqualTo(1000);
            } else {
                assertThat(cb.bufferedCalls()).isEqualTo(THREADS * perThread);
                assertThat(cb.metrics().failedCalls()).isEqualTo(THREADS * perThread / 4);
            }
        }
    }

    @Test
    void timeWindowCountsStayConsistentAcrossRollovers() throws Exception {
        for (int round = 0; round < 20; round++) {
            TestClock clock = new TestClock();
            CircuitBreaker cb = CircuitBreaker.of(CircuitBreakerConfig.builder().windowType(WindowType.TIME).windowSize(3600)
                    .failureRateThreshold(100).build());
            Pipeline p = Pipeline.builder("time").clock(clock).add(cb).build();
            AtomicInteger calls = new AtomicInteger();
            race(() -> {
                for (int i = 0; i < 2000; i++) {
                    if (i % 4 == 0) {
                        p.tryCall(() -> {
                            throw new IOException();
                        });
                    } else {
                        p.tryCall(() -> "ok");
                    }
                    if (calls.incrementAndGet() % 100 == 0) {
                        clock.advanceMillis(300); // many rollovers while others record
                    }
                }
            });
            assertThat(cb.bufferedCalls()).isEqualTo(THREADS * 2000);
            assertThat(cb.metrics().failedCalls()).isEqualTo(THREADS * 500);
        }
    }

    @Test
    void inFlightTrackingReturnsToZero() throws Exception {
        for (int round = 0; round < 20; round++) {
            TestClock clock = new TestClock();
            InFlight inFlight = new InFlight(Duration.ofMillis(80).toNanos(), clock.nanoTime());
            race(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                long[] open = new long[8];
                int n = 0;
                for (int i = 0; i < 5000; i++) {
                    if (n < open.length && rnd.nextBoolean()) {
                        long start = clock.nanoTime();
                        inFlight.register(start);
                        open[n++] = start;
                    } else if (n > 0) {
                        int k = rnd.nextInt(n);
                        inFlight.unregister(open[k]);
                        open[k] = open[--n];
                    }
                    if (rnd.nextInt(20) == 0) {
                        clock.advanceMillis(1 + rnd.nextInt(10)); // periods pass, slots get reused
                    }
                    assertThat(inFlight.slowAt(clock.nanoTime())).isLessThanOrEqualTo(THREADS * open.length + THREADS);
                }
                while (n > 0) {
                    inFlight.unregister(open[--n]);
                }
            });
            assertThat(inFlight.total()).isZero();
            assertThat(inFlight.slowAt(clock.nanoTime() + Duration.ofHours(1).toNanos())).isZero();
        }
    }
}
