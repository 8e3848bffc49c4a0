package dev.sinew.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long MS = 1_000_000L;
    private static final RandomSource MAX = bound -> bound - 1;
    private static final RandomSource MIN = bound -> 0L;

    @Test
    void noneAndFixed() {
        assertThat(Backoff.none().delayNanos(1, 0, MAX)).isZero();
        Backoff fixed = Backoff.fixed(Duration.ofMillis(250));
        for (int retry = 1; retry < 10; retry++) {
            assertThat(fixed.delayNanos(retry, retry * MS, MAX)).isEqualTo(250 * MS);
        }
        assertThat(fixed).hasToString("Backoff.fixed(250ms)");
    }

    @Test
    void exponentialGrowsByTheMultiplierUpToTheCap() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (int i = 0; i < expected.length; i++) {
            assertThat(b.delayNanos(i + 1, 0, MAX)).as("retry %d", i + 1).isEqualTo(expected[i] * MS);
        }
        assertThat(b.delayNanos(100_000, 0, MAX)).isEqualTo(1000 * MS);
        assertThat(Backoff.exponential(Duration.ofMillis(10), 1.5, Duration.ofSeconds(5)).delayNanos(3, 0, MAX))
                .isEqualTo(22_500_000L);
    }

    @Test
    void fullJitterStaysWithinZeroAndTheGrowingCeiling() {
        Backoff b = Backoff.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(1));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (int i = 0; i < ceilings.length; i++) {
            long ceiling = ceilings[i] * MS;
            assertThat(b.delayNanos(i + 1, 0, MAX)).isEqualTo(ceiling);
            assertThat(b.delayNanos(i + 1, 0, MIN)).isZero();
        }
        assertThat(b.delayNanos(1_000, 0, MAX)).isEqualTo(1000 * MS);

        RandomSource seeded = RandomSource.seeded(42);
        for (int retry = 1; retry <= 6; retry++) {
            long ceiling = ceilings[retry - 1] * MS;
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (int i = 0; i < 2_000; i++) {
                long d = b.delayNanos(retry, 0, seeded);
                assertThat(d).isBetween(0L, ceiling);
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
            // spread over the whole range, not clustered
            assertThat(lo).isLessThan(ceiling / 20);
            assertThat(hi).isGreaterThan(ceiling - ceiling / 20);
        }
    }

    @Test
    void decorrelatedJitterDependsOnThePreviousDelayAndStaysBetweenBaseAndCap() {
        long base = 100 * MS;
        long cap = 2_000 * MS;
        Backoff b = Backoff.decorrelatedJitter(Duration.ofNanos(base), Duration.ofNanos(cap));
        assertThat(b.delayNanos(1, 0, MAX)).isEqualTo(3 * base); // previous = base before the first
        assertThat(b.delayNanos(1, 0, MIN)).isEqualTo(base);
        assertThat(b.delayNanos(2, 500 * MS, MAX)).isEqualTo(1_500 * MS);
        assertThat(b.delayNanos(2, 1_000 * MS, MAX)).isEqualTo(cap);

        RandomSource seeded = RandomSource.seeded(7);
        long previous = 0;
        boolean reachedCap = false;
        for (int retry = 1; retry <= 5_000; retry++) {
            long d = b.delayNanos(retry, previous, seeded);
            long upper = Math.min(cap, 3 * (previous == 0 ? base : previous));
            assertThat(d).isBetween(base, upper);
            reachedCap |= d == cap;
            previous = d;
        }
        assertThat(reachedCap).isTrue();
    }

    @Test
    void seededRandomnessIsReproducible() {
        Backoff b = Backoff.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(10));
        RandomSource r1 = RandomSource.seeded(1);
        RandomSource r2 = RandomSource.seeded(1);
        for (int retry = 1; retry < 20; retry++) {
            assertThat(b.delayNanos(retry, 0, r1)).isEqualTo(b.delayNanos(retry, 0, r2));
        }
        long d = b.delayNanos(3, 0, RandomSource.threadLocal());
        assertThat(d).isBetween(0L, 400 * MS);
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-1)))
                .hasMessage("initial-delay: -1ms is not allowed; expected a duration of zero or more");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, 2, Duration.ofSeconds(1)))
                .hasMessage("initial-delay: 0s is not allowed; expected a positive duration");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(100), 0.5, Duration.ofSeconds(1)))
                .hasMessage("multiplier: 0.5 is not allowed; expected a number from 1 to 100");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(100), Double.NaN, Duration.ofSeconds(1)))
                .hasMessageStartingWith("multiplier: NaN is not allowed");
        assertThatThrownBy(() -> Backoff.fullJitter(Duration.ofMillis(100), Duration.ofMillis(50)))
                .hasMessage("max-delay: 50ms is not allowed; expected a duration of at least initial-delay (100ms)");
        assertThatThrownBy(() -> Backoff.decorrelatedJitter(Duration.ofMillis(100), null))
                .hasMessage("max-delay: null is not allowed; expected a positive duration");
    }

    @Test
    void hugeDurationsSaturateInsteadOfOverflowing() {
        Backoff b = Backoff.fullJitter(Duration.ofDays(1), Duration.ofDays(100_000_000));
        assertThat(b.delayNanos(Integer.MAX_VALUE, 0, MAX)).isPositive();
        Backoff d = Backoff.decorrelatedJitter(Duration.ofDays(1), Duration.ofDays(100_000_000));
        assertThat(d.delayNanos(5, Long.MAX_VALUE / 4, MAX)).isPositive();
        Backoff e = Backoff.exponential(Duration.ofDays(1), 100, Duration.ofDays(100_000_000));
        assertThat(e.delayNanos(Integer.MAX_VALUE, 0, MAX)).isPositive();
    }
}
