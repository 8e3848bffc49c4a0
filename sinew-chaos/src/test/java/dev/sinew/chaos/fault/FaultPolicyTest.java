package dev.sinew.chaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.RandomSource;
import dev.sinew.time.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FaultPolicyTest {

    private final TestClock clock = new TestClock();

    private Pipeline pipeline(FaultPolicy fault) {
        return Pipeline.builder("payment").clock(clock).add(fault).build();
    }

    @Test
    void isOffUntilEnabled() throws Exception {
        FaultPolicy fault = FaultPolicy.create();
        Pipeline p = pipeline(fault);
        assertThat(fault.current()).isEmpty();
        assertThat(p.call(() -> "ok")).isEqualTo("ok");
    }

    @Test
    void rateZeroNeverInjectsAndRateOneAlways() throws Exception {
        FaultPolicy fault = FaultPolicy.create("fault", RandomSource.seeded(42));
        Pipeline p = pipeline(fault);
        fault.enable(FaultSpec.exception(0.0));
        for (int i = 0; i < 10_000; i++) {
            assertThat(p.call(() -> "ok")).isEqualTo("ok");
        }
        fault.enable(FaultSpec.exception(1.0));
        for (int i = 0; i < 10_000; i++) {
            assertThat(p.tryCall(() -> "ok").error()).isInstanceOf(InjectedFaultException.class);
        }
    }

    @Test
    void aPartialRateHitsAboutThatShareAndIsReproducibleWithASeed() {
        int first = hits(RandomSource.seeded(7), 0.3);
        assertThat(first).isBetween(2_700, 3_300);
        assertThat(hits(RandomSource.seeded(7), 0.3)).isEqualTo(first);
    }

    private int hits(RandomSource random, double rate) {
        FaultPolicy fault = FaultPolicy.create("fault", random);
        Pipeline p = pipeline(fault);
        fault.enable(FaultSpec.result(rate, () -> "bad"));
        int bad = 0;
        for (int i = 0; i < 10_000; i++) {
            if ("bad".equals(p.get(() -> "ok"))) {
                bad++;
            }
        }
        return bad;
    }

    @Test
    void latencyWaitsOnTheClockWithJitterThenCalls() throws Exception {
        FaultPolicy fault = FaultPolicy.create("fault", bound -> bound - 1); // always the full jitter
        Pipeline p = pipeline(fault);
        fault.enable(FaultSpec.latency(1.0, Duration.ofMillis(200), Duration.ofMillis(50)));
        long before = clock.nanoTime();
        assertThat(p.call(() -> "ok")).isEqualTo("ok");
        assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofMillis(250).toNanos());
    }

    @Test
    void asyncLatencyIsScheduledNotBlocking() {
        FaultPolicy fault = FaultPolicy.create("fault", bound -> 0);
        Pipeline p = pipeline(fault);
        fault.enable(FaultSpec.latency(1.0, Duration.ofSeconds(2), Duration.ZERO));
        CompletableFuture<String> f = p.callAsync(() -> CompletableFuture.completedFuture("ok"));
        assertThat(f).isNotDone();
        clock.advanceMillis(1_999);
        assertThat(f).isNotDone();
        clock.advanceMillis(1);
        assertThat(f).isCompletedWithValue("ok");
    }

    @Test
    void asyncFailureAndBadResult() {
        FaultPolicy fault = FaultPolicy.create();
        Pipeline p = pipeline(fault);
        fault.enable(FaultSpec.exception(1.0, () -> new IllegalStateException("boom")));
        assertThat(p.callAsync(() -> CompletableFuture.completedFuture("ok")))
                .failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause().withMessage("boom");
        fault.enable(FaultSpec.result(1.0, () -> "bad"));
        assertThat(p.callAsync(() -> CompletableFuture.completedFuture("ok"))).isCompletedWithValue("bad");
    }

    @Test
    void switchesAtRuntime() throws Exception {
        FaultPolicy fault = FaultPolicy.create();
        Pipeline p = pipeline(fault);
        fault.enable(FaultSpec.result(1.0, () -> "bad"));
        assertThat(p.call(() -> "ok")).isEqualTo("bad");
        fault.enable(FaultSpec.exception(1.0));
        assertThatThrownBy(() -> p.call(() -> "ok")).isInstanceOf(InjectedFaultException.class);
        fault.disable();
        assertThat(p.call(() -> "ok")).isEqualTo("ok");
    }

    @Test
    void rejectsARateOutsideZeroToOne() {
        assertThatThrownBy(() -> FaultSpec.exception(1.5)).hasMessageContaining("rate");
        assertThatThrownBy(() -> FaultSpec.latency(-0.1, Duration.ZERO, Duration.ZERO)).hasMessageContaining("rate");
    }

    @Test
    void manyThreadsWhileSwitchingSeeOnlyInjectedFaults() throws Exception {
        FaultPolicy fault = FaultPolicy.create();
        Pipeline p = Pipeline.builder("payment").add(fault).build(); // system clock: latency 0 to 1 ms
        List<FaultSpec> specs = List.of(FaultSpec.exception(0.5), FaultSpec.result(0.5, () -> "bad"),
                FaultSpec.latency(0.5, Duration.ZERO, Duration.ofMillis(1)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(8);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(pool.submit(() -> {
                started.countDown();
                while (!stop.get()) {
                    Outcome<String> o = p.tryCall(() -> "ok");
                    calls.incrementAndGet();
                    if (o.error() != null && !(o.error() instanceof InjectedFaultException)) {
                        unexpected.add(o.error());
                    }
                    if (o.error() == null && !List.of("ok", "bad").contains(o.value())) {
                        unexpected.add(new AssertionError("value " + o.value()));
                    }
                }
            }));
        }
        started.await();
        for (int i = 0; i < 2_000; i++) {
            if (i % 4 == 3) {
                fault.disable();
            } else {
                fault.enable(specs.get(i % 3));
            }
        }
        stop.set(true);
        for (Future<?> w : workers) {
            w.get(10, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertThat(unexpected).isEmpty();
        assertThat(calls.get()).isPositive();
    }

    @Test
    void registryWideFaultsSitInnermostSoRetrySeesThem() throws Exception {
        SinewRegistry registry = SinewRegistry.builder().clock(clock)
                .properties(Map.of("sinew.pipeline.default.retry.max-attempts", "3",
                        "sinew.pipeline.default.retry.budget", "none"))
                .build();
        Faults faults = Faults.installOn(registry);
        faults.enable("payment", FaultSpec.exception(1.0));
        Pipeline payment = registry.pipeline("payment");
        Pipeline search = registry.pipeline("search");
        assertThat(payment.policies().get(payment.policies().size() - 1)).isSameAs(faults.policy("payment"));

        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> payment.call(calls::incrementAndGet)).isInstanceOf(InjectedFaultException.class);
        assertThat(calls).hasValue(0);
        assertThat(search.call(() -> "ok")).isEqualTo("ok");

        faults.disableAll();
        assertThat(payment.call(() -> "ok")).isEqualTo("ok");
    }
}
