package dev.sinew.chaos.metastable;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 7's targets, checked in the simulation: 1000/s capacity, 90% load, 10 s frozen at 10 s. */
class MetastableExperimentTest {

    private static final Scenario SCENARIO = Scenario.builder().duration(45).seed(42).build();
    private static final int OUTAGE_END = 20;

    @Test
    void naiveClientsStayOverloadedAfterTheTriggerEnds() {
        Result naive = Simulation.run(SCENARIO, ClientKind.NAIVE);

        assertThat(naive.goodShare(0, 10)).isGreaterThan(0.95);
        assertThat(naive.goodShare(OUTAGE_END, 45)).isLessThan(0.05);
        assertThat(naive.goodShare(40, 45)).isLessThan(0.05);
        assertThat(naive.recoverySeconds()).isEmpty();
        assertThat(naive.amplificationAfterOutage()).isGreaterThan(2.5);
        assertThat(naive.wastedShare()).isGreaterThan(0.5);
    }

    @Test
    void sinewClientsRecoverWithinTwoSeconds() {
        for (long seed = 1; seed <= 3; seed++) {
            Result sinew = Simulation.run(Scenario.builder().duration(30).seed(seed).build(), ClientKind.SINEW);

            assertThat(sinew.recoverySeconds()).as("seed %d", seed).isPresent();
            assertThat(sinew.recoverySeconds().getAsDouble()).as("seed %d", seed).isLessThanOrEqualTo(2.0);
            assertThat(sinew.goodShare(OUTAGE_END + 2, 30)).as("seed %d", seed).isGreaterThan(0.99);
        }
    }

    @Test
    void amplificationDuringTheOutageIsBoundedForSinewAndNotForNaive() {
        Result naive = Simulation.run(SCENARIO, ClientKind.NAIVE);
        Result budget = Simulation.run(SCENARIO, ClientKind.BUDGET);
        Result sinew = Simulation.run(SCENARIO, ClientKind.SINEW);

        assertThat(naive.amplificationDuringOutage()).isGreaterThan(2.5);
        assertThat(budget.amplificationDuringOutage()).isLessThanOrEqualTo(1.2);
        assertThat(sinew.amplificationDuringOutage()).isLessThanOrEqualTo(1.2);
    }

    @Test
    void theBudgetAloneEndsTheOverloadButRecoversSlowerThanWithTheBreaker() {
        Result budget = Simulation.run(SCENARIO, ClientKind.BUDGET);
        Result sinew = Simulation.run(SCENARIO, ClientKind.SINEW);

        assertThat(budget.recoverySeconds()).isPresent();
        assertThat(budget.recoverySeconds().getAsDouble()).isGreaterThan(sinew.recoverySeconds().getAsDouble());
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        Scenario s = Scenario.builder().duration(25).seed(7).build();
        for (ClientKind kind : ClientKind.values()) {
            Result a = Simulation.run(s, kind);
            Result b = Simulation.run(s, kind);
            assertThat(a.seconds()).as(kind.label()).isEqualTo(b.seconds());
            assertThat(a.recoverySeconds()).isEqualTo(b.recoverySeconds());
        }
        Result other = Simulation.run(Scenario.builder().duration(25).seed(8).build(), ClientKind.SINEW);
        assertThat(other.seconds()).isNotEqualTo(Simulation.run(s, ClientKind.SINEW).seconds());
    }

    @Test
    void withoutAnOutageEveryClientServesTheLoad() {
        Scenario calm = Scenario.builder().outage(0).duration(20).seed(3).build();
        for (ClientKind kind : ClientKind.values()) {
            Result r = Simulation.run(calm, kind);
            assertThat(r.goodShare(0, 20)).as(kind.label()).isGreaterThan(0.99);
            assertThat(r.amplification()).as(kind.label()).isLessThan(1.02);
        }
    }
}
