package dev.sinew.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.time.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final TestClock clock = new TestClock();

    private RetryBudget budget(int ttlSeconds, double percent, int minPerSecond) {
        return RetryBudget.builder().ttl(Duration.ofSeconds(ttlSeconds)).percentCanRetry(percent)
                .minRetriesPerSecond(minPerSecond).clock(clock).build();
    }

    private static int drain(RetryBudget b) {
        int n = 0;
        while (b.tryWithdraw()) {
            n++;
        }
        return n;
    }

    @Test
    void defaultsAreFinaglesTwentyPercentTenSecondsTenPerSecond() {
        RetryBudget b = RetryBudget.builder().clock(clock).build();
        assertThat(b.ttl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.percentCanRetry()).isEqualTo(20.0);
        assertThat(b.minRetriesPerSecond()).isEqualTo(10);
        assertThat(b.remaining()).isEqualTo(100); // the floor: 10 per second over 10 s
        assertThat(RetryBudget.defaults()).hasToString(
                "RetryBudget[ttl=10s, percent-can-retry=20.0, min-retries-per-second=10]");
    }

    @Test
    void floorAllowsMinRetriesPerSecondTimesTtl() {
        RetryBudget b = budget(10, 0, 1);
        assertThat(drain(b)).isEqualTo(10);
        assertThat(b.tryWithdraw()).isFalse();
        assertThat(b.granted()).isEqualTo(10);
        assertThat(b.denied()).isEqualTo(2);
    }

    @Test
    void depositsEarnThePercentage() {
        RetryBudget b = budget(10, 20, 0);
        assertThat(b.tryWithdraw()).isFalse();
        for (int i = 0; i < 10; i++) {
            b.deposit();
        }
        assertThat(b.remaining()).isEqualTo(2);
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isFalse();
        for (int i = 0; i < 4; i++) {
            b.deposit();
        }
        assertThat(b.tryWithdraw()).as("4 deposits are 0.8 of a retry").isFalse();
        b.deposit();
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.deposits()).isEqualTo(15);

        RetryBudget fractional = budget(10, 12.5, 0);
        for (int i = 0; i < 16; i++) {
            fractional.deposit();
        }
        assertThat(fractional.remaining()).isEqualTo(2);
    }

    @Test
    void percentAndFloorAddUp() {
        RetryBudget b = budget(10, 20, 10);
        for (int i = 0; i < 1_000; i++) {
            b.deposit();
        }
        assertThat(drain(b)).isEqualTo(100 + 200);
    }

    @Test
    void depositsExpireAfterTtl() {
        RetryBudget b = budget(10, 100, 0);
        for (int i = 0; i < 5; i++) {
            b.deposit();
        }
        assertThat(b.remaining()).isEqualTo(5);
        clock.advance(Duration.ofMillis(10_500));
        assertThat(b.remaining()).as("lives between ttl and 1.1 ttl").isEqualTo(5);
        clock.advance(Duration.ofMillis(500));
        assertThat(b.remaining()).isZero();
        assertThat(b.tryWithdraw()).isFalse();
    }

    @Test
    void withdrawalsExpireAfterTtlSoTheFloorComesBack() {
        RetryBudget b = budget(10, 0, 1);
        assertThat(drain(b)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(10));
        assertThat(b.tryWithdraw()).as("still inside the window").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(drain(b)).isEqualTo(10);
    }

    @Test
    void spentCreditStaysSpentWhileItsWithdrawalIsInTheWindow() {
        RetryBudget b = budget(10, 100, 0);
        b.deposit();
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.tryWithdraw()).isTrue();
        clock.advance(Duration.ofSeconds(6)); // the deposit expired, the withdrawal did not
        assertThat(b.remaining()).isZero(); // reads the clock: the next deposit is filed under t = 11 s
        b.deposit();
        assertThat(b.tryWithdraw()).as("the new deposit pays for the still-counted retry").isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.tryWithdraw()).isTrue();
    }

    @Test
    void depositsAreCreditedToTheLastClockReadingBeforeThem() {
        RetryBudget b = budget(10, 100, 0); // the clock was read at construction, t = 0
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 64; i++) {
            b.deposit(); // the 64th reads the clock (t = 5 s) and files all 64 under t = 0
        }
        for (int i = 0; i < 10; i++) {
            b.deposit(); // filed under t = 5 s
        }
        clock.advance(Duration.ofSeconds(6)); // t = 11 s: t = 0 expired, t = 5 s not
        assertThat(b.remaining()).isEqualTo(10);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.remaining()).isZero();
    }

    @Test
    void reconfigureKeepsTheTokens() {
        RetryBudget b = budget(10, 100, 0);
        for (int i = 0; i < 10; i++) {
            b.deposit();
        }
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isTrue();
        b.reconfigure(Duration.ofSeconds(20), 20, 0);
        assertThat(b.remaining()).isEqualTo(7);
        assertThat(b.ttl()).isEqualTo(Duration.ofSeconds(20));
        for (int i = 0; i < 5; i++) {
            b.deposit(); // 20% now: one more retry
        }
        assertThat(b.remaining()).isEqualTo(8);
        clock.advance(Duration.ofSeconds(21));
        assertThat(b.remaining()).as("the new ttl holds the carried tokens longer").isEqualTo(8);
        clock.advance(Duration.ofSeconds(2));
        assertThat(b.remaining()).isZero();

        b.reconfigure(Duration.ofSeconds(10), 20, 3);
        assertThat(b.remaining()).as("the floor follows the new settings").isEqualTo(30);
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> RetryBudget.builder().ttl(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl: 0s is not allowed; expected a duration from 1s to 60s");
        assertThatThrownBy(() -> RetryBudget.builder().ttl(Duration.ofMinutes(2)).build())
                .hasMessage("ttl: 2m is not allowed; expected a duration from 1s to 60s");
        assertThatThrownBy(() -> RetryBudget.builder().percentCanRetry(-1).build())
                .hasMessage("percent-can-retry: -1.0 is not allowed; expected a number from 0 to 1000");
        assertThatThrownBy(() -> RetryBudget.builder().minRetriesPerSecond(-1).build())
                .hasMessage("min-retries-per-second: -1 is not allowed; expected an integer from 0 to 1000000");
        RetryBudget b = RetryBudget.defaults();
        assertThatThrownBy(() -> b.reconfigure(Duration.ofSeconds(10), Double.NaN, 1))
                .hasMessageStartingWith("percent-can-retry: NaN is not allowed");
        assertThat(b.percentCanRetry()).isEqualTo(20.0);
    }

    @Test
    void anEmptyBudgetAllowsNothing() {
        RetryBudget b = budget(10, 0, 0);
        for (int i = 0; i < 1_000; i++) {
            b.deposit();
        }
        assertThat(b.tryWithdraw()).isFalse();
    }
}
