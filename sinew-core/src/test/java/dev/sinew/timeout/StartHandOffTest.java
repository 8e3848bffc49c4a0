package dev.sinew.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.event.PipelineListener;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.Stage;
import dev.sinew.ratelimit.RateLimiter;
import dev.sinew.ratelimit.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A timed (observed) pipeline hands its start reading to its first timeout ({@code CallStart});
 * these check that a wait on the way in, or another pipeline's call, never shortens a deadline.
 * They run on the system clock (the hand-off exists only there), so time really passes: each
 * waits a little longer than the timeout it checks.
 */
class StartHandOffTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final long PAST_TIMEOUT_MILLIS = 450;
    /** How long each checked call runs: well inside the timeout, long enough for a wrongly armed deadline to fire. */
    private static final long CALL_MILLIS = 50;

    /** Makes a pipeline observed, as metrics do: the pipeline then times its calls. */
    private static final PipelineListener OBSERVER = new PipelineListener() {
    };

    @Test
    void aCallThatWaitedInTheBulkheadGetsItsFullTimeout() throws Exception {
        Bulkhead bulkhead = Bulkhead.of(BulkheadConfig.builder().maxConcurrent(1).maxWait(Duration.ofSeconds(10)).build());
        Pipeline p = Pipeline.builder("handoff").listener(OBSERVER).add(bulkhead, Timeout.of(TIMEOUT)).build();
        CountDownLatch release = new CountDownLatch(1);
        // holds the only permit past its own timeout (it ignores the interrupt), so the waiter waits that long
        Thread holder = new Thread(() -> p.tryCall(() -> {
            awaitUninterruptibly(release);
            return "held";
        }));
        holder.start();
        await().until(() -> bulkhead.inFlight() == 1);

        AtomicReference<dev.sinew.pipeline.Outcome<String>> outcome = new AtomicReference<>();
        Thread waiter = new Thread(() -> outcome.set(p.tryCall(() -> {
            sleep(CALL_MILLIS);
            return "served";
        })));
        waiter.start();
        await().until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
        Thread.sleep(PAST_TIMEOUT_MILLIS); // the waiter's start reading is now older than its timeout
        release.countDown();
        waiter.join(10_000);
        holder.join(10_000);

        assertThat(outcome.get().isSuccess()).as("%s", outcome.get()).isTrue();
    }

    @Test
    void aCallThatWaitedForARatePermitGetsItsFullTimeout() {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(1).burst(1)
                .maxWait(Duration.ofSeconds(5)).build());
        Pipeline p = Pipeline.builder("handoff").listener(OBSERVER).add(limiter, Timeout.of(TIMEOUT)).build();
        assertThat(p.tryCall(() -> "first").isSuccess()).isTrue();
        long start = System.nanoTime();
        // the next permit is due in about a second, well past the timeout
        assertThat(p.tryCall(() -> {
            sleep(CALL_MILLIS);
            return "second";
        }).isSuccess()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThan(PAST_TIMEOUT_MILLIS);
    }

    @Test
    void anotherPipelinesTimeoutInsideTheCallNeverUsesTheOuterReading() {
        // outer: its timeout does not interrupt, so it leaves the handed reading unused
        Pipeline outer = Pipeline.builder("outer").listener(OBSERVER)
                .add(Timeout.of(TimeoutConfig.builder().duration(Duration.ofSeconds(30)).interrupt(false).build())).build();
        // inner: observed, but an unknown policy first, so it hands nothing over itself
        Pipeline inner = Pipeline.builder("inner").listener(OBSERVER).add(new PassThrough(), Timeout.of(TIMEOUT)).build();
        String r = outer.get(() -> {
            sleep(PAST_TIMEOUT_MILLIS);
            return inner.get(() -> {
                sleep(CALL_MILLIS);
                return "inner answered";
            });
        });
        assertThat(r).isEqualTo("inner answered");
    }

    @Test
    void anObservedPipelinesTimeoutStillFires() {
        Pipeline p = Pipeline.builder("handoff").listener(OBSERVER).add(Timeout.of(Duration.ofMillis(100))).build();
        assertThatThrownBy(() -> p.run(() -> sleep(10_000))).isInstanceOf(TimeoutExceededException.class);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // the holder's timeout fired: keep the permit until released
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A policy the core does not know: the pipeline cannot tell whether it delays a call. */
    private static final class PassThrough extends AbstractPolicy {
        PassThrough() {
            super("pass");
        }

        @Override
        protected void onAttach(dev.sinew.pipeline.PolicyContext ctx) {
        }

        @Override
        public Object execute(Stage next, Callable<?> call) throws Exception {
            return next.call(call);
        }

        @Override
        public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
            return next.call(call);
        }
    }
}
