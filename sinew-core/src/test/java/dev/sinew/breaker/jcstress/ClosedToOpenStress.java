package dev.sinew.breaker.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.sinew.event.CircuitState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Two failures race in a closed breaker that each one alone opens: exactly one transition. */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "opened once")
@Outcome(expect = FORBIDDEN, desc = "a lost or doubled transition")
@State
public class ClosedToOpenStress {

    private final BreakerFixture f = new BreakerFixture(1);

    @Actor
    public void actor1() {
        f.fail();
    }

    @Actor
    public void actor2() {
        f.fail();
    }

    @Arbiter
    public void transitions(II_Result r) {
        r.r1 = f.toOpen.get();
        r.r2 = f.breaker.state() == CircuitState.OPEN ? 1 : 0;
    }
}
