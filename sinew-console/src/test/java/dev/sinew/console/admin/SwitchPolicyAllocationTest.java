package dev.sinew.console.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.Allocation;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The switch on every shop pipeline costs nothing on the success path, and refusing allocates nothing either. */
class SwitchPolicyAllocationTest {

    private static final Callable<String> CALL = () -> "ok";
    private static final int CALLS = 100_000;

    @Test
    void onTheSwitchAllocatesNothingAndOffItRefusesWithoutAllocatingOrCalling() {
        SwitchPolicy sw = new SwitchPolicy();
        AtomicInteger refused = new AtomicInteger();
        Pipeline p = Pipeline.builder("catalog").add(sw, CircuitBreaker.of(CircuitBreakerConfig.builder().build()))
                .listener(new PipelineListener() {
                    @Override
                    public void onRejected(String pipeline, String policy, RejectionKind kind) {
                        if (kind == RejectionKind.SWITCHED_OFF && policy.equals(SwitchPolicy.NAME)) {
                            refused.incrementAndGet();
                        }
                    }
                }).build();
        long on = Allocation.measure(() -> run(p, true));
        assertThat(on).as("bytes allocated by 100,000 calls through an open switch").isLessThan(64_000);
        sw.off(true);
        long off = Allocation.measure(() -> run(p, false));
        assertThat(off).as("bytes allocated by 100,000 refusals").isLessThan(64_000);
        assertThat(refused.get()).as("one event per refusal: warm-up + 3 measured runs").isEqualTo(4 * CALLS);
    }

    /** Success path through {@code call} (a successful {@code tryCall} allocates its Outcome); refusals through {@code tryCall}. */
    private static void run(Pipeline p, boolean expectSuccess) {
        for (int i = 0; i < CALLS; i++) {
            if (expectSuccess) {
                try {
                    if (p.call(CALL) == null) {
                        throw new AssertionError("no value");
                    }
                } catch (Exception e) {
                    throw new AssertionError("refused or failed", e);
                }
            } else {
                Outcome<String> o = p.tryCall(CALL);
                if (!o.isRejected()) {
                    throw new AssertionError("not refused: " + o);
                }
            }
        }
    }
}
