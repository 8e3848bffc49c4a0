package dev.sinew.chaos.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An audit's findings per experiment: only what is new since the previous audit counts. */
class InvariantsTest {

    @Test
    void onlyNewFindingsCountAndTheEarlierOnesAreNamed() {
        Invariants earlier = new Invariants(true, 1, 0, 1, "");
        Invariants same = new Invariants(true, 1, 0, 1, "");
        assertThat(same.since(earlier).passed()).isTrue();
        assertThat(same.since(earlier).note()).contains("1 earlier violation(s) not counted here");
        assertThat(same.noWorseThan(earlier)).isTrue();

        Invariants worse = new Invariants(true, 1, 1, 2, "");
        assertThat(worse.noWorseThan(earlier)).isFalse();
        assertThat(worse.since(earlier)).satisfies(i -> {
            assertThat(i.passed()).isFalse();
            assertThat(i.lostOrders()).isZero();
            assertThat(i.duplicateCharges()).isEqualTo(1);
            assertThat(i.violations()).isEqualTo(1);
        });

        Invariants clean = new Invariants(true, 0, 0, 0, "");
        assertThat(clean.since(null)).isSameAs(clean);
        assertThat(clean.noWorseThan(null)).isTrue();
        assertThat(earlier.noWorseThan(null)).isFalse(); // without an earlier audit, any violation is new
        assertThat(Invariants.notChecked("db down").noWorseThan(clean)).isFalse();
    }
}
