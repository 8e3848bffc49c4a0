package dev.sinew.breaker.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two actors call an open breaker whose open duration has just passed: exactly one performs the
 * OPEN to HALF_OPEN transition (one event), and the single probe permit goes to exactly one.
 */
@JCStressTest
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE, desc = "one transition, one probe")
@Outcome(expect = FORBIDDEN, desc = "a lost or doubled transition, or a wrong number of probes")
@State
public class OpenToHalfOpenStress {

    private final BreakerFixture f = new BreakerFixture(1).openAndExpire();

    @Actor
    public void actor1(III_Result r) {
        r.r1 = f.hold();
    }

    @Actor
    public void actor2(III_Result r) {
        r.r2 = f.hold();
    }

    @Arbiter
    public void transitions(III_Result r) {
        r.r3 = f.toHalfOpen.get();
    }
}
