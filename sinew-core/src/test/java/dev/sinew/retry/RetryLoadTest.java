package dev.sinew.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A downstream that fails every call must not see much more than its normal load. */
class RetryLoadTest {

    private static final IOException DOWN = new IOException("down", null) {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    /** Sends {@code calls} calls at a steady rate and returns how many reached the downstream. */
    private static long downstreamCalls(RetryBudget budget, TestClock clock, int calls, long spacingNanos) {
        AtomicLong downstream = new AtomicLong();
        Pipeline p = Pipeline.builder("failing").clock(clock)
                .add(Retry.of(RetryConfig.builder().maxAttempts(3).backoff(Backoff.none()).budget(budget).build()))
                .build();
        for (int i = 0; i < calls; i++) {
            try {
                p.call(() -> {
                    downstream.incrementAndGet();
                    throw DOWN;
                });
            } catch (Exception expected) {
                // every call fails
            }
            clock.advanceNanos(spacingNanos);
        }
        return downstream.get();
    }

    @Test
    void aFailingDownstreamSeesAtMostAboutOnePointTwoTimesItsLoadPlusTheFloor() {
        int[][] scenarios = {{200, 60}, {2_000, 30}, {20, 60}}; // calls per second, seconds
        for (int[] sc : scenarios) {
            int rate = sc[0];
            int seconds = sc[1];
            TestClock clock = new TestClock();
            RetryBudget budget = RetryBudget.builder().clock(clock).build(); // 20%, 10 s, 10 per s
            int calls = rate * seconds;
            long downstream = downstreamCalls(budget, clock, calls, 1_000_000_000L / rate);
            long retries = downstream - calls;
            // the floor can be spent once per window; windows last 10 to 11 s
            long floor = 10L * (seconds + 11);
            assertThat(retries).as("%d/s for %d s", rate, seconds)
                    .isLessThanOrEqualTo(calls / 5 + floor)
                    .isGreaterThan(Math.min(2L * calls, calls / 5)); // the budget does let retries through
            if (rate >= 2_000) {
                assertThat((double) downstream / calls).isLessThan(1.21);
            }
        }
    }

    @Test
    void withoutABudgetTheSameOutageTriplesTheLoad() {
        TestClock clock = new TestClock();
        assertThat(downstreamCalls(null, clock, 1_000, 1_000_000L)).isEqualTo(3_000);
    }
}
