package dev.sinew.breaker.jcstress;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.event.CircuitState;
import dev.sinew.event.PipelineListener;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A breaker in a pipeline on a test clock, with a count of each kind of state change. */
final class BreakerFixture {

    final TestClock clock = new TestClock();
    final CircuitBreaker breaker;
    final Pipeline pipeline;
    final AtomicInteger toOpen = new AtomicInteger();
    final AtomicInteger toHalfOpen = new AtomicInteger();
    final AtomicInteger toClosed = new AtomicInteger();

    BreakerFixture(int probes) {
        breaker = CircuitBreaker.of(CircuitBreakerConfig.builder().windowSize(1).halfOpenProbes(probes)
                .openDuration(Duration.ofSeconds(1)).build());
        pipeline = Pipeline.builder("jcstress").clock(clock).add(breaker).listener(new PipelineListener() {
            @Override
            public void onStateChange(String p, String policy, CircuitState from, CircuitState to) {
                (to == CircuitState.OPEN ? toOpen : to == CircuitState.HALF_OPEN ? toHalfOpen : toClosed).incrementAndGet();
            }
        }).build();
    }

    /** Opens the breaker with one failure and lets the open duration pass (without a transition yet). */
    BreakerFixture openAndExpire() {
        fail();
        clock.advance(Duration.ofSeconds(1));
        return this;
    }

    void fail() {
        pipeline.tryCall(() -> {
            throw new IOException("down");
        });
    }

    /** Starts an async call that holds its permit; 1 if it was let through, 0 if rejected. */
    int hold() {
        return pipeline.callAsync(() -> new CompletableFuture<String>()).isDone() ? 0 : 1;
    }
}
