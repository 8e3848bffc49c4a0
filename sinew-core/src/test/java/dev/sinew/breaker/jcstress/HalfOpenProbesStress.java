package dev.sinew.breaker.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.sinew.event.CircuitState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two actors race for the three probe permits of a half-open breaker, each asking twice: exactly
 * three are granted in all, never four, never two.
 */
@JCStressTest
@Outcome(id = {"2, 1", "1, 2"}, expect = ACCEPTABLE, desc = "exactly three probes let through")
@Outcome(expect = FORBIDDEN, desc = "more or fewer probes than configured")
@State
public class HalfOpenProbesStress {

    private final BreakerFixture f = new BreakerFixture(3).openAndExpire();

    public HalfOpenProbesStress() {
        if (f.breaker.state() != CircuitState.HALF_OPEN) {
            throw new IllegalStateException("setup: expected HALF_OPEN");
        }
    }

    @Actor
    public void actor1(II_Result r) {
        r.r1 = f.hold() + f.hold();
    }

    @Actor
    public void actor2(II_Result r) {
        r.r2 = f.hold() + f.hold();
    }
}
