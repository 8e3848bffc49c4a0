package dev.sinew.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.time.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/** Many threads deposit and withdraw on one budget: the budget must never be overspent. */
class RetryBudgetStressTest {

    private static final int THREADS = 4;
    private static final int ITERATIONS = 600;
    private static final long FLOOR = 10; // 1 per second over 10 s

    @RepeatedTest(150)
    void concurrentWithdrawalsNeverTakeMoreThanTheBalance() throws Exception {
        TestClock clock = new TestClock(); // fixed: nothing expires, so the bound is exact
        RetryBudget budget = RetryBudget.builder().ttl(Duration.ofSeconds(10)).percentCanRetry(20)
                .minRetriesPerSecond(1).clock(clock).build();
        AtomicLong granted = new AtomicLong();
        AtomicBoolean violated = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < ITERATIONS; i++) {
                    budget.deposit();
                    if ((i + id) % 2 == 0 && budget.tryWithdraw()) {
                        long g = granted.incrementAndGet();
                        // every grant counted so far was allowed by the deposits made before it
                        if (g > allowed(budget.deposits())) {
                            violated.set(true);
                        }
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
        }
        long deposits = (long) THREADS * ITERATIONS;
        assertThat(violated).isFalse();
        assertThat(budget.deposits()).isEqualTo(deposits);
        assertThat(granted.get()).isLessThanOrEqualTo(allowed(deposits));
        long rest = 0;
        while (budget.tryWithdraw()) {
            rest++;
        }
        assertThat(granted.get() + rest).as("nothing lost, nothing spent twice").isEqualTo(allowed(deposits));
        assertThat(budget.granted()).isEqualTo(granted.get() + rest);
    }

    @RepeatedTest(20)
    void withTheClockMovingTheWindowStillBoundsTheRetries() throws Exception {
        TestClock clock = new TestClock();
        RetryBudget budget = RetryBudget.builder().ttl(Duration.ofSeconds(1)).percentCanRetry(20)
                .minRetriesPerSecond(10).clock(clock).build();
        AtomicLong granted = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS - 1; t++) {
            Thread thread = new Thread(() -> {
                await(start);
                for (int i = 0; i < 2_000; i++) {
                    budget.deposit();
                    if (budget.tryWithdraw()) {
                        granted.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        Thread ticker = new Thread(() -> {
            await(start);
            while (!done.get()) {
                clock.advanceMillis(1);
                Thread.yield();
            }
        });
        ticker.start();
        for (Thread thread : threads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
        }
        done.set(true);
        ticker.join(10_000);
        double windows = (clock.nanoTime() - 1_000_000_000L) / 1e9 + 2; // ttl 1 s, plus the ones cut at both ends
        long bound = budget.deposits() / 5 + (long) (10 * windows);
        assertThat(granted.get()).isLessThanOrEqualTo(bound).isEqualTo(budget.granted());
        assertThat(budget.remaining()).isGreaterThanOrEqualTo(0);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long allowed(long deposits) {
        return FLOOR + deposits / 5;
    }
}
