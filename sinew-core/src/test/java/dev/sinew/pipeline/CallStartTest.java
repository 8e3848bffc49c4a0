package dev.sinew.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-thread hand-off of a pipeline's start reading to its first timeout. */
class CallStartTest {

    private final Object pipeline = new Object();
    private final Object other = new Object();

    @Test
    void theOwnersTimeoutTakesTheReadingOnce() {
        CallStart c = CallStart.begin(pipeline, 42L);
        assertThat(CallStart.takeOrNow(pipeline)).isEqualTo(42L);
        assertThat(CallStart.takeOrNow(pipeline)).as("used up: a second timeout reads the clock").isNotEqualTo(42L);
        c.end();
    }

    @Test
    void anotherPipelinesTimeoutNeverGetsIt() {
        CallStart c = CallStart.begin(pipeline, 42L);
        assertThat(CallStart.takeOrNow(other)).isNotEqualTo(42L);
        assertThat(CallStart.takeOrNow(pipeline)).as("still there for the owner").isEqualTo(42L);
        c.end();
    }

    @Test
    void aWaitOrTheEndOfTheCallMakesItStale() {
        CallStart.begin(pipeline, 42L);
        CallStart.stale();
        assertThat(CallStart.takeOrNow(pipeline)).isNotEqualTo(42L);

        CallStart.begin(pipeline, 43L).end();
        assertThat(CallStart.takeOrNow(pipeline)).isNotEqualTo(43L);
    }

    @Test
    void itIsPerThread() throws Exception {
        CallStart c = CallStart.begin(pipeline, 42L);
        long[] seen = new long[1];
        Thread t = new Thread(() -> seen[0] = CallStart.takeOrNow(pipeline));
        t.start();
        t.join();
        assertThat(seen[0]).isNotEqualTo(42L);
        assertThat(CallStart.takeOrNow(pipeline)).isEqualTo(42L);
        c.end();
    }
}
