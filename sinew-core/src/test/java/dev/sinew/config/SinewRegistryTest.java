package dev.sinew.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.event.CircuitState;
import dev.sinew.fallback.Fallback;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.Policy;
import dev.sinew.ratelimit.RateLimiter;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.time.TestClock;
import dev.sinew.timeout.Timeout;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SinewRegistryTest {

    private final TestClock clock = new TestClock();

    private SinewRegistry registry(Map<String, String> props) {
        return SinewRegistry.builder().clock(clock).properties(props).build();
    }

    private static List<String> names(Pipeline p) {
        return p.policies().stream().map(Policy::name).toList();
    }

    @Test
    void aPipelineWithoutConfigurationGetsSafeDefaults() {
        Pipeline p = registry(Map.of()).pipeline("inventory");
        assertThat(names(p)).containsExactly("retry", "breaker", "bulkhead", "timeout");
        assertThat(p.policy(Timeout.class).orElseThrow().config().duration()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void keysConfigurePoliciesAndOptionalOnesAppearWhenConfigured() {
        Pipeline p = registry(Map.of(
                "sinew.pipeline.payment.retry.max-attempts", "5",
                "sinew.pipeline.payment.timeout.duration", "250ms",
                "sinew.pipeline.payment.overall-timeout.duration", "2s",
                "sinew.pipeline.payment.rate-limiter.permits-per-second", "50",
                "sinew.pipeline.payment.bulkhead.enabled", "false",
                "unrelated.key", "ignored")).pipeline("payment");
        assertThat(names(p)).containsExactly("overall-timeout", "retry", "breaker", "rate-limiter", "timeout");
        assertThat(p.policy(Retry.class).orElseThrow().config().maxAttempts()).isEqualTo(5);
        assertThat(((Timeout) p.policy("timeout").orElseThrow()).config().duration()).isEqualTo(Duration.ofMillis(250));
        assertThat(((Timeout) p.policy("overall-timeout").orElseThrow()).config().duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.policy(RateLimiter.class)).isPresent();
        assertThat(p.policy(Bulkhead.class)).isEmpty();
    }

    @Test
    void defaultSectionAppliesToEveryPipelineUnlessOverridden() {
        SinewRegistry r = registry(Map.of(
                "sinew.pipeline.default.bulkhead.max-concurrent", "7",
                "sinew.pipeline.catalog.bulkhead.max-concurrent", "9"));
        assertThat(r.pipeline("auth").policy(Bulkhead.class).orElseThrow().config().maxConcurrent()).isEqualTo(7);
        assertThat(r.pipeline("catalog").policy(Bulkhead.class).orElseThrow().config().maxConcurrent()).isEqualTo(9);
    }

    @Test
    void unknownKeysAreErrorsThatListTheAllowedOnes() {
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.retry.max-atempts", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sinew.pipeline.payment.retry.max-atempts")
                .hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.retyr.max-attempts", "3")))
                .hasMessageContaining("sinew.pipeline.payment.retyr")
                .hasMessageContaining("unknown policy")
                .hasMessageContaining("retry");
        assertThatThrownBy(() -> registry(Map.of("sinew.pipelines.payment.retry.max-attempts", "3")))
                .hasMessageContaining("sinew.pipelines.payment.retry.max-attempts");
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.retry.max-attempts", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sinew.pipeline.payment.retry.max-attempts:")
                .hasMessageContaining("0")
                .hasMessageContaining("100");
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.timeout.duration", "soon")))
                .hasMessageStartingWith("sinew.pipeline.payment.timeout.duration:")
                .hasMessageContaining("'soon'")
                .hasMessageContaining("250ms");
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.breaker.failure-rate-threshold", "150")))
                .hasMessageStartingWith("sinew.pipeline.payment.breaker.failure-rate-threshold:")
                .hasMessageContaining("150");
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.retry.backoff", "linear")))
                .hasMessageContaining("'linear'")
                .hasMessageContaining("full-jitter");
        assertThatThrownBy(() -> registry(Map.of("sinew.pipeline.payment.bulkhead.max-concurrent", "-1")))
                .hasMessageStartingWith("sinew.pipeline.payment.bulkhead.max-concurrent:");
        assertThatThrownBy(() -> registry(Map.of("sinew.budget.payment.percent-can-retry", "lots")))
                .hasMessageStartingWith("sinew.budget.payment.percent-can-retry:");
    }

    @Test
    void pipelinesShareABudgetByName() {
        SinewRegistry r = registry(Map.of(
                "sinew.pipeline.charge.retry.budget", "payment",
                "sinew.pipeline.refund.retry.budget", "payment"));
        r.pipeline("charge");
        r.pipeline("refund");
        RetryBudget shared = r.budget("payment");
        assertThat(r.pipeline("charge").policy(Retry.class).orElseThrow().config().budget()).isSameAs(shared);
        assertThat(r.pipeline("refund").policy(Retry.class).orElseThrow().config().budget()).isSameAs(shared);
    }

    @Test
    void fallbackIsOutermost() throws Exception {
        SinewRegistry r = registry(Map.of("sinew.pipeline.recs.retry.enabled", "false"));
        Pipeline p = r.pipeline("recs", Fallback.ofValue("popular"));
        assertThat(names(p).get(0)).isEqualTo("fallback");
        assertThat(p.<String>call(() -> {
            throw new IOException("down");
        })).isEqualTo("popular");
    }

    @Test
    void reconfigurationKeepsAnOpenBreakerOpenAndTheSameInstances() throws Exception {
        Map<String, String> props = new HashMap<>(Map.of(
                "sinew.pipeline.payment.retry.enabled", "false",
                "sinew.pipeline.payment.breaker.window-size", "10",
                "sinew.pipeline.payment.breaker.minimum-calls", "5",
                "sinew.pipeline.payment.breaker.open-duration", "30s"));
        SinewRegistry r = registry(props);
        Pipeline p = r.pipeline("payment");
        CircuitBreaker breaker = p.policy(CircuitBreaker.class).orElseThrow();
        for (int i = 0; i < 5; i++) {
            p.tryCall(() -> {
                throw new IOException("down");
            });
        }
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);

        props.put("sinew.pipeline.payment.breaker.window-size", "20");
        props.put("sinew.pipeline.payment.bulkhead.max-concurrent", "3");
        r.reconfigure(props);

        assertThat(p.policy(CircuitBreaker.class)).containsSame(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(breaker.config().windowSize()).isEqualTo(20);
        assertThat(p.policy(Bulkhead.class).orElseThrow().config().maxConcurrent()).isEqualTo(3);
        assertThat(p.tryCall(() -> "x").isRejected()).isTrue();
    }

    @Test
    void anInvalidReconfigurationChangesNothing() {
        SinewRegistry r = registry(Map.of("sinew.pipeline.payment.bulkhead.max-concurrent", "4"));
        Pipeline p = r.pipeline("payment");
        assertThatThrownBy(() -> r.reconfigure(Map.of(
                "sinew.pipeline.payment.bulkhead.max-concurrent", "8",
                "sinew.pipeline.payment.timeout.duration", "never")))
                .hasMessageContaining("sinew.pipeline.payment.timeout.duration");
        assertThat(p.policy(Bulkhead.class).orElseThrow().config().maxConcurrent()).isEqualTo(4);
    }

    @Test
    void reconfigurationCanAddAndRemovePolicies() throws Exception {
        SinewRegistry r = registry(Map.of());
        Pipeline p = r.pipeline("search");
        Retry retry = p.policy(Retry.class).orElseThrow();
        r.reconfigure(Map.of("sinew.pipeline.search.rate-limiter.permits-per-second", "100",
                "sinew.pipeline.search.bulkhead.enabled", "false"));
        assertThat(names(p)).containsExactly("retry", "breaker", "rate-limiter", "timeout");
        assertThat(p.policy(Retry.class)).containsSame(retry);
        AtomicInteger calls = new AtomicInteger();
        assertThat(p.call(calls::incrementAndGet)).isEqualTo(1);
    }

    @Test
    void watchersSeeEveryPipelineOnceAndBudgetsAreListed() {
        SinewRegistry r = SinewRegistry.builder().clock(new TestClock()).build();
        r.pipeline("payment");
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Runnable stop = r.watchPipelines(p -> seen.add(p.name()));
        r.pipeline("inventory");
        r.pipeline("inventory");
        stop.run();
        r.pipeline("shipping");
        assertThat(seen).containsExactly("payment", "inventory");
        assertThat(r.budgets()).containsOnlyKeys("payment", "inventory", "shipping");
    }

    void anOuterPolicyWrapsEveryPipelineAndSurvivesReconfiguration() throws Exception {
        SinewRegistry r = registry(Map.of());
        Pipeline before = r.pipeline("search", Fallback.ofValue("cached"));
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        r.addOuterPolicy(pipeline -> new Marking("mark", pipeline, log));
        Pipeline after = r.pipeline("payment");
        assertThat(names(before)).containsExactly("mark", "fallback", "retry", "breaker", "bulkhead", "timeout");
        assertThat(names(after)).containsExactly("mark", "retry", "breaker", "bulkhead", "timeout");
        Policy mark = before.policy("mark").orElseThrow();

        r.reconfigure(Map.of("sinew.pipeline.search.bulkhead.enabled", "false"));
        assertThat(names(before)).containsExactly("mark", "fallback", "retry", "breaker", "timeout");
        assertThat(before.policy("mark")).containsSame(mark);
        assertThat(before.call(() -> "x")).isEqualTo("x");
        assertThat(after.call(() -> "y")).isEqualTo("y");
        assertThat(log).containsExactly("search", "payment");
    }

    @Test
    void anInnerPolicySitsNextToTheCallOnEveryPipelineAndSurvivesReconfigure() throws Exception {
        SinewRegistry r = registry(Map.of());
        Pipeline before = r.pipeline("search", Fallback.ofValue("fb"));
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        r.addInnerPolicy(pipeline -> new Marking("fault", pipeline, log));
        r.addOuterPolicy(pipeline -> new Marking("mark", pipeline, log));
        Pipeline after = r.pipeline("payment");
        assertThat(names(before)).containsExactly("mark", "fallback", "retry", "breaker", "bulkhead", "timeout", "fault");
        assertThat(names(after)).containsExactly("mark", "retry", "breaker", "bulkhead", "timeout", "fault");
        Policy fault = before.policy("fault").orElseThrow();

        r.reconfigure(Map.of("sinew.pipeline.search.bulkhead.enabled", "false"));
        assertThat(names(before)).containsExactly("mark", "fallback", "retry", "breaker", "timeout", "fault");
        assertThat(before.policy("fault")).containsSame(fault);
        assertThat(after.call(() -> "y")).isEqualTo("y");
        assertThat(log).containsExactly("payment", "payment");
    }

    @Test
    void anAddedListenerHearsPipelinesCreatedBeforeAndAfter() {
        SinewRegistry r = registry(Map.of());
        Pipeline before = r.pipeline("search");
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        r.addListener(new dev.sinew.event.PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long durationNanos) {
                heard.add(pipeline);
            }
        });
        Pipeline after = r.pipeline("payment");
        before.get(() -> "x");
        after.get(() -> "y");
        assertThat(heard).containsExactly("search", "payment");
    }

    /** Logs the pipeline name of every call it passes through. */
    private static final class Marking extends dev.sinew.pipeline.AbstractPolicy {
        private final String pipeline;
        private final List<String> log;

        Marking(String name, String pipeline, List<String> log) {
            super(name);
            this.pipeline = pipeline;
            this.log = log;
        }

        @Override
        protected void onAttach(dev.sinew.pipeline.PolicyContext ctx) {
        }

        @Override
        public Object execute(dev.sinew.pipeline.Stage next, java.util.concurrent.Callable<?> call) throws Exception {
            log.add(pipeline);
            return next.call(call);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Object> executeAsync(dev.sinew.pipeline.AsyncStage next,
                java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<?>> call) {
            log.add(pipeline);
            return next.call(call);
        }
    }
}
