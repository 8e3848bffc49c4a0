package dev.sinew.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RejectedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BulkheadTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static Bulkhead bulkhead(int max, Duration wait) {
        return Bulkhead.of(BulkheadConfig.builder().maxConcurrent(max).maxWait(wait).build());
    }

    /** Starts a call that holds a permit until {@code release} opens; returns once it is inside. */
    private Future<Object> hold(Pipeline p, CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        Future<Object> f = pool.submit(() -> p.call(() -> {
            inside.countDown();
            release.await();
            return "held";
        }));
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        return f;
    }

    @Test
    void refusesCallsBeyondTheLimit() throws Exception {
        Bulkhead b = bulkhead(2, Duration.ZERO);
        AtomicInteger rejected = new AtomicInteger();
        Pipeline p = Pipeline.builder("inventory").add(b).listener(new PipelineListener() {
            @Override
            public void onRejected(String pipeline, String policy, RejectionKind kind) {
                assertThat(policy).isEqualTo("bulkhead");
                assertThat(kind).isEqualTo(RejectionKind.BULKHEAD_FULL);
                rejected.incrementAndGet();
            }
        }).build();
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> a = hold(p, release);
        Future<Object> c = hold(p, release);
        assertThat(b.inFlight()).isEqualTo(2);
        assertThat(b.available()).isZero();

        assertThatThrownBy(() -> p.call(() -> "no")).isInstanceOfSatisfying(RejectedException.class, e -> {
            assertThat(e.kind()).isEqualTo(RejectionKind.BULKHEAD_FULL);
            assertThat(e.getMessage()).contains("inventory").contains("bulkhead");
            assertThat(e.getStackTrace()).isEmpty();
        });
        Outcome<String> o1 = p.tryCall(() -> "no");
        Outcome<String> o2 = p.tryCall(() -> "no");
        assertThat(o1.isRejected()).isTrue();
        assertThat(o2).as("rejection outcome is preallocated").isSameAs(o1);
        assertThat(rejected).hasValue(3);

        release.countDown();
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(b.inFlight()).isZero();
        assertThat(b.available()).isEqualTo(2);
        assertThat(p.call(() -> "yes")).isEqualTo("yes");
    }

    @Test
    void permitIsReleasedWhenTheCallThrows() {
        Bulkhead b = bulkhead(1, Duration.ZERO);
        Pipeline p = Pipeline.builder("p").add(b).build();
        IllegalStateException boom = new IllegalStateException();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> p.call(() -> {
                throw boom;
            })).isSameAs(boom);
        }
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void aWaitingCallGetsThePermitWhenOneFrees() throws Exception {
        Bulkhead b = bulkhead(1, Duration.ofSeconds(30));
        Pipeline p = Pipeline.builder("p").add(b).build();
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> holder = hold(p, release);
        Thread[] waiter = new Thread[1];
        Future<Object> waiting = pool.submit(() -> {
            waiter[0] = Thread.currentThread();
            return p.call(() -> "waited");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter[0] != null
                && waiter[0].getState() == Thread.State.TIMED_WAITING);
        assertThat(waiting.isDone()).isFalse();
        release.countDown();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("waited");
        assertThat(holder.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void aWaitThatRunsOutIsRefused() throws Exception {
        Bulkhead b = bulkhead(1, Duration.ofMillis(50));
        Pipeline p = Pipeline.builder("p").add(b).build();
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> holder = hold(p, release);
        long start = System.nanoTime();
        Outcome<String> o = p.tryCall(() -> "no");
        long waited = System.nanoTime() - start;
        assertThat(o.isRejected()).isTrue();
        assertThat(o.rejection().kind()).isEqualTo(RejectionKind.BULKHEAD_FULL);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        release.countDown();
        holder.get(5, TimeUnit.SECONDS);
    }

    @RepeatedTest(5)
    void underContentionTheObservedConcurrencyNeverExceedsTheLimit() throws Exception {
        int limit = 3;
        int threads = 8;
        int calls = 2_000;
        for (Duration wait : List.of(Duration.ZERO, Duration.ofSeconds(30))) {
            Bulkhead b = bulkhead(limit, wait);
            Pipeline p = Pipeline.builder("stress").add(b).build();
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxSeen = new AtomicInteger();
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        Outcome<Object> o = p.tryCall(() -> {
                            int now = inside.incrementAndGet();
                            maxSeen.accumulateAndGet(now, Math::max);
                            Thread.yield();
                            inside.decrementAndGet();
                            return null;
                        });
                        if (o.isRejected()) {
                            refused.incrementAndGet();
                        } else {
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(maxSeen.get()).as("max concurrency with max-wait %s", wait).isLessThanOrEqualTo(limit);
            assertThat(admitted.get() + refused.get()).isEqualTo(threads * calls);
            assertThat(b.inFlight()).isZero();
            if (wait.isZero()) {
                assertThat(refused).as("contention happened").hasPositiveValue();
            } else {
                assertThat(refused).as("waiting calls all got a permit").hasValue(0);
            }
        }
    }

    @Test
    void growingTheLimitAdmitsWaitingCalls() throws Exception {
        Bulkhead b = bulkhead(1, Duration.ofSeconds(30));
        Pipeline p = Pipeline.builder("p").add(b).build();
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> holder = hold(p, release);
        Thread[] waiter = new Thread[1];
        Future<Object> waiting = pool.submit(() -> {
            waiter[0] = Thread.currentThread();
            return p.call(() -> "admitted");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter[0] != null
                && waiter[0].getState() == Thread.State.TIMED_WAITING);
        b.reconfigure(b.config().toBuilder().maxConcurrent(2).build());
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("admitted");
        assertThat(holder.isDone()).isFalse();
        assertThat(b.inFlight()).isEqualTo(1);
        release.countDown();
        holder.get(5, TimeUnit.SECONDS);
        assertThat(b.inFlight()).isZero();
        assertThat(b.config().maxConcurrent()).isEqualTo(2);
    }

    @Test
    void shrinkingTheLimitKeepsInFlightCallsAndStopsAdmissionsUntilUnderTheNewLimit() throws Exception {
        Bulkhead b = bulkhead(3, Duration.ZERO);
        Pipeline p = Pipeline.builder("p").add(b).build();
        CountDownLatch r1 = new CountDownLatch(1);
        CountDownLatch r2 = new CountDownLatch(1);
        CountDownLatch r3 = new CountDownLatch(1);
        Future<Object> h1 = hold(p, r1);
        Future<Object> h2 = hold(p, r2);
        Future<Object> h3 = hold(p, r3);
        b.reconfigure(BulkheadConfig.builder().maxConcurrent(1).build());
        assertThat(b.inFlight()).isEqualTo(3);
        assertThat(b.available()).isZero();
        assertThat(p.tryCall(() -> "x").isRejected()).isTrue();
        r1.countDown();
        h1.get(5, TimeUnit.SECONDS);
        r2.countDown();
        h2.get(5, TimeUnit.SECONDS);
        assertThat(b.inFlight()).isEqualTo(1);
        assertThat(p.tryCall(() -> "x").isRejected()).as("still at the new limit").isTrue();
        r3.countDown();
        h3.get(5, TimeUnit.SECONDS);
        assertThat(p.tryCall(() -> "x").value()).isEqualTo("x");
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void asyncCallsHoldTheirPermitUntilTheFutureCompletes() throws Exception {
        Bulkhead b = bulkhead(1, Duration.ofSeconds(30));
        Pipeline p = Pipeline.builder("p").add(b).build();
        CompletableFuture<String> user = new CompletableFuture<>();
        CompletableFuture<String> first = p.callAsync(() -> user);
        assertThat(b.inFlight()).isEqualTo(1);
        CompletableFuture<String> second = p.callAsync(() -> CompletableFuture.completedFuture("no"));
        assertThatThrownBy(second::get).cause().isInstanceOf(RejectedException.class);
        user.complete("yes");
        assertThat(first.get()).isEqualTo("yes");
        assertThat(b.inFlight()).isZero();
        CompletableFuture<String> failing = p.callAsync(() -> {
            throw new IllegalStateException("sync throw");
        });
        assertThatThrownBy(failing::get).cause().hasMessage("sync throw");
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void configDefaultsAndValidation() {
        BulkheadConfig d = BulkheadConfig.ofDefaults();
        assertThat(d.maxConcurrent()).isEqualTo(25);
        assertThat(d.maxWait()).isEqualTo(Duration.ZERO);
        assertThat(d.toBuilder().build()).isEqualTo(d);
        assertThat(Bulkhead.of(d).name()).isEqualTo("bulkhead");
        assertThatThrownBy(() -> BulkheadConfig.builder().maxConcurrent(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-concurrent: 0 is not allowed; expected an integer from 1 to 100000");
        assertThatThrownBy(() -> BulkheadConfig.builder().maxConcurrent(100_001).build())
                .hasMessageStartingWith("max-concurrent: 100001");
        assertThatThrownBy(() -> BulkheadConfig.builder().maxWait(Duration.ofMillis(-5)).build())
                .hasMessageStartingWith("max-wait: PT-0.005S is not allowed");
    }

    @Test
    void theSuccessPathAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Pipeline p = Pipeline.builder("alloc").add(bulkhead(5, Duration.ofSeconds(1))).build();
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
