package dev.sinew.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.event.Events;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Stage;
import dev.sinew.time.TestClock;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The success path of the retry policy allocates nothing, with or without a budget. */
class RetryAllocationTest {

    private static final int CALLS = 200_000;
    private static final Callable<Object> CALL = () -> "ok";
    private static final Stage NEXT = Callable::call;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long bytesForCalls(Retry retry) throws Exception {
        for (int i = 0; i < CALLS; i++) { // warm up
            retry.execute(NEXT, CALL);
        }
        long before = allocatedBytes();
        Object sink = null;
        for (int i = 0; i < CALLS; i++) {
            sink = retry.execute(NEXT, CALL);
        }
        long after = allocatedBytes();
        assertThat(sink).isEqualTo("ok");
        return after - before;
    }

    @Test
    void aFirstAttemptSuccessAllocatesNothing() throws Exception {
        TestClock clock = new TestClock();
        PolicyContext ctx = new PolicyContext("alloc", clock, new Events(), Classifier.DEFAULT);
        Retry plain = Retry.ofDefaults();
        plain.attach(ctx);
        Retry budgeted = Retry.of(RetryConfig.builder().budget(RetryBudget.builder().clock(clock).build()).build());
        budgeted.attach(ctx);
        // a few bytes of slack for the measurement itself; one allocation per call would be megabytes
        assertThat(bytesForCalls(plain)).isLessThan(1_024);
        assertThat(bytesForCalls(budgeted)).isLessThan(1_024);
    }
}
