package dev.sinew.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.event.CircuitState;
import dev.sinew.fallback.Fallback;
import dev.sinew.pipeline.ContractViolationException;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.ratelimit.RateLimiter;
import dev.sinew.ratelimit.RateLimiterConfig;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.retry.RetryConfig;
import dev.sinew.time.TestClock;
import dev.sinew.timeout.Timeout;
import dev.sinew.timeout.TimeoutConfig;
import dev.sinew.timeout.TimeoutExceededException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Scripted calls through bound pipelines, checked against the meters docs/METRICS.md promises. */
class SinewMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TestClock clock = new TestClock();

    private static final Callable<String> OK = () -> "ok";
    private static final Callable<String> DOWN = () -> {
        throw new IllegalStateException("down");
    };

    @Test
    void successesFailuresAndContractErrorsAreTimedByOutcome() {
        Pipeline p = Pipeline.builder("catalog").clock(clock).build();
        SinewMetrics.bind(registry, p);
        Callable<String> slow = () -> {
            clock.advanceMillis(250);
            return "ok";
        };
        p.tryCall(slow);
        p.tryCall(OK);
        p.tryCall(DOWN);
        p.tryCall(() -> {
            throw new ContractViolationException("price: expected a number");
        });
        p.tryCall(() -> { // found a few causes deep, as when a client library wraps the parser's error
            throw new IllegalStateException("decode", new UncheckedIOException(new IOException(
                    new ContractViolationException("missing field 'sku'"))));
        });

        assertThat(calls("catalog", "success").count()).isEqualTo(2);
        assertThat(calls("catalog", "success").sumSeconds()).isEqualTo(0.25);
        assertThat(calls("catalog", "failure").count()).isEqualTo(1);
        assertThat(calls("catalog", "contract_error").count()).isEqualTo(2);
        assertThat(calls("catalog", "rejected").count()).isZero();
    }

    @Test
    void contractViolationBeyondTheDepthLimitCountsAsAPlainFailure() {
        Throwable t = new ContractViolationException("deep");
        for (int i = 0; i < Outcomes.MAX_DEPTH; i++) {
            t = new RuntimeException(t);
        }
        assertThat(Outcomes.ofFailure(t)).isEqualTo(Outcomes.FAILURE);
        assertThat(Outcomes.ofFailure(null)).as("a failing result").isEqualTo(Outcomes.FAILURE);
    }

    @Test
    void fullBulkheadIsCountedAsRejectionAndItsGaugesReadItsState() {
        Bulkhead bulkhead = Bulkhead.of(BulkheadConfig.builder().maxConcurrent(1).build());
        Pipeline p = Pipeline.builder("payment").clock(clock).add(bulkhead).build();
        SinewMetrics.bind(registry, p);
        double[] inFlightDuringCall = new double[1];
        Outcome<Outcome<String>> outer = p.tryCall(() -> {
            inFlightDuringCall[0] = gauge("sinew.bulkhead.in.flight", "payment", "bulkhead").value();
            return p.tryCall(OK); // the one slot is taken by this very call
        });

        assertThat(outer.value().isRejected()).isTrue();
        assertThat(inFlightDuringCall[0]).isEqualTo(1.0);
        assertThat(gauge("sinew.bulkhead.in.flight", "payment", "bulkhead").value()).isZero();
        assertThat(gauge("sinew.bulkhead.limit", "payment", "bulkhead").value()).isEqualTo(1.0);
        assertThat(rejections("payment", "bulkhead", "bulkhead_full").count()).isEqualTo(1);
        assertThat(calls("payment", "rejected").count()).isEqualTo(1);
        assertThat(calls("payment", "success").count()).isEqualTo(1);
    }

    @Test
    void breakerDrivenOpenShowsInStateGaugeTransitionsAndRejections() {
        CircuitBreaker breaker = CircuitBreaker.of(CircuitBreakerConfig.builder()
                .windowSize(4).minimumCalls(4).failureRateThreshold(50).openDuration(Duration.ofSeconds(30)).build());
        Pipeline p = Pipeline.builder("inventory").clock(clock).add(breaker).build();
        SinewMetrics.bind(registry, p);

        p.tryCall(OK);
        p.tryCall(DOWN);
        assertThat(gauge("sinew.breaker.failure.rate", "inventory", "breaker").value())
                .as("2 calls of minimum 4: no rate yet").isNaN();
        p.tryCall(OK);
        p.tryCall(OK);
        assertThat(gauge("sinew.breaker.failure.rate", "inventory", "breaker").value()).isEqualTo(0.25);
        assertThat(gauge("sinew.breaker.slow.call.rate", "inventory", "breaker").value()).isZero();
        assertThat(state("inventory", "closed")).isEqualTo(1.0);

        p.tryCall(DOWN); // 2 of the last 4 failed: 50%
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(p.tryCall(OK).isRejected()).isTrue();

        assertThat(state("inventory", "open")).isEqualTo(1.0);
        assertThat(state("inventory", "closed")).isZero();
        assertThat(state("inventory", "half_open")).isZero();
        assertThat(state("inventory", "forced_open")).isZero();
        assertThat(state("inventory", "disabled")).isZero();
        assertThat(transitions("inventory", "closed", "open").count()).isEqualTo(1);
        assertThat(rejections("inventory", "breaker", "circuit_open").count()).isEqualTo(1);
        assertThat(calls("inventory", "rejected").count()).isEqualTo(1);
        assertThat(calls("inventory", "failure").count()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(30));
        assertThat(state("inventory", "half_open")).as("the gauge sees the open duration pass").isEqualTo(1.0);
        assertThat(transitions("inventory", "open", "half_open").count()).isEqualTo(1);
    }

    @Test
    void retriesScheduledExhaustedAndDeniedByTheBudget() {
        Pipeline p = Pipeline.builder("shipping").clock(clock)
                .add(Retry.of(RetryConfig.builder().maxAttempts(3).build())).build();
        SinewMetrics.bind(registry, p);
        p.tryCall(DOWN);
        assertThat(retries("shipping", "scheduled").count()).isEqualTo(2);
        assertThat(retries("shipping", "exhausted").count()).isEqualTo(1);
        assertThat(retries("shipping", "denied").count()).isZero();

        RetryBudget empty = RetryBudget.builder().clock(clock).percentCanRetry(0).minRetriesPerSecond(0).build();
        Pipeline budgeted = Pipeline.builder("email").clock(clock)
                .add(Retry.of(RetryConfig.builder().maxAttempts(3).budget(empty).build())).build();
        SinewMetrics.bind(registry, budgeted);
        SinewMetrics.bindBudget(registry, "email", empty);
        budgeted.tryCall(DOWN);
        budgeted.tryCall(DOWN);

        assertThat(retries("email", "denied").count()).isEqualTo(2);
        assertThat(retries("email", "scheduled").count()).isZero();
        assertThat(rejections("email", "retry", "budget_exhausted").count()).isEqualTo(2);
        assertThat(registry.get("sinew.budget.remaining").tag("budget", "email").gauge().value()).isZero();
        assertThat(registry.get("sinew.budget.withdrawals").tags("budget", "email", "result", "denied")
                .functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("sinew.budget.withdrawals").tags("budget", "email", "result", "granted")
                .functionCounter().count()).isZero();
    }

    @Test
    void budgetGaugeCountsTokensAndGrantedWithdrawals() {
        RetryBudget budget = RetryBudget.builder().clock(clock).percentCanRetry(0).minRetriesPerSecond(1)
                .ttl(Duration.ofSeconds(10)).build(); // a floor of 10 retries
        SinewMetrics.bindBudget(registry, "payment", budget);
        assertThat(registry.get("sinew.budget.remaining").tag("budget", "payment").gauge().value()).isEqualTo(10);
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(registry.get("sinew.budget.remaining").tag("budget", "payment").gauge().value()).isEqualTo(9);
        assertThat(registry.get("sinew.budget.withdrawals").tags("budget", "payment", "result", "granted")
                .functionCounter().count()).isEqualTo(1);
    }

    @Test
    void fallbacksByCauseAndTimeouts() {
        CircuitBreaker breaker = CircuitBreaker.of(CircuitBreakerConfig.defaults());
        Pipeline p = Pipeline.builder("recommendation").clock(clock)
                .add(Fallback.ofValue("popular"), breaker,
                        Timeout.of(TimeoutConfig.of(Duration.ofSeconds(1)))).build();
        SinewMetrics.bind(registry, p);

        assertThat(p.tryCall(DOWN).value()).isEqualTo("popular");
        assertThat(p.tryCall(() -> {
            clock.advance(Duration.ofSeconds(2)); // the deadline passes while the call runs
            return "late";
        }).value()).isEqualTo("popular");
        breaker.forceOpen();
        assertThat(p.tryCall(OK).value()).isEqualTo("popular");

        assertThat(fallbacks("recommendation", "failure").count()).isEqualTo(2);
        assertThat(fallbacks("recommendation", "rejected").count()).isEqualTo(1);
        assertThat(registry.get("sinew.timeouts").tags("pipeline", "recommendation", "policy", "timeout")
                .counter().count()).isEqualTo(1);
        assertThat(calls("recommendation", "success").count()).as("a fallback answer is a success").isEqualTo(3);
        assertThat(transitions("recommendation", "closed", "forced_open").count()).isEqualTo(1);
        assertThat(state("recommendation", "forced_open")).isEqualTo(1.0);
    }

    @Test
    void rateLimiterGaugeAndRejection() {
        RateLimiter limiter = RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(2).build());
        Pipeline p = Pipeline.builder("auth").clock(clock).add(limiter).build();
        SinewMetrics.bind(registry, p);
        double before = gauge("sinew.ratelimiter.available.permits", "auth", "rate-limiter").value();
        int rejected = 0;
        for (int i = 0; i < 5; i++) {
            rejected += p.tryCall(OK).isRejected() ? 1 : 0;
        }
        assertThat(before).isPositive();
        assertThat(rejected).isPositive();
        assertThat(gauge("sinew.ratelimiter.available.permits", "auth", "rate-limiter").value()).isZero();
        assertThat(rejections("auth", "rate-limiter", "rate_limited").count()).isEqualTo(rejected);
    }

    @Test
    void prometheusScrapeHasTheDocumentedNames() {
        RetryBudget budget = RetryBudget.builder().clock(clock).build();
        Pipeline p = Pipeline.builder("order").clock(clock).add(
                Fallback.ofValue("x"),
                Retry.of(RetryConfig.builder().maxAttempts(2).budget(budget).build()),
                CircuitBreaker.of(CircuitBreakerConfig.defaults()),
                RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(1000).build()),
                Bulkhead.of(BulkheadConfig.builder().maxConcurrent(10).build()),
                Timeout.of(Duration.ofSeconds(1))).build();
        SinewMetrics.bind(registry, p);
        SinewMetrics.bindBudget(registry, "order", budget);
        p.tryCall(OK);
        p.tryCall(DOWN);

        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "sinew_calls_seconds_bucket{outcome=\"success\",pipeline=\"order\",le=",
                "sinew_calls_seconds_count{outcome=\"success\",pipeline=\"order\"} 2",
                "sinew_calls_seconds_sum{outcome=\"success\",pipeline=\"order\"}",
                "sinew_rejections_total{kind=\"circuit_open\",pipeline=\"order\",policy=\"breaker\"} 0",
                "sinew_rejections_total{kind=\"bulkhead_full\",pipeline=\"order\",policy=\"bulkhead\"} 0",
                "sinew_rejections_total{kind=\"rate_limited\",pipeline=\"order\",policy=\"rate-limiter\"} 0",
                "sinew_rejections_total{kind=\"budget_exhausted\",pipeline=\"order\",policy=\"retry\"} 0",
                "sinew_retries_total{pipeline=\"order\",policy=\"retry\",result=\"scheduled\"} 1",
                "sinew_retries_total{pipeline=\"order\",policy=\"retry\",result=\"exhausted\"} 1",
                "sinew_timeouts_total{pipeline=\"order\",policy=\"timeout\"} 0",
                "sinew_fallbacks_total{cause=\"failure\",pipeline=\"order\",policy=\"fallback\"} 1",
                "sinew_breaker_state{pipeline=\"order\",policy=\"breaker\",state=\"closed\"} 1",
                "sinew_breaker_state{pipeline=\"order\",policy=\"breaker\",state=\"half_open\"} 0",
                "sinew_breaker_transitions_total{from=\"closed\",pipeline=\"order\",policy=\"breaker\",to=\"open\"} 0",
                "sinew_breaker_failure_rate{pipeline=\"order\",policy=\"breaker\"} NaN",
                "sinew_breaker_slow_call_rate{pipeline=\"order\",policy=\"breaker\"}",
                "sinew_bulkhead_in_flight{pipeline=\"order\",policy=\"bulkhead\"} 0",
                "sinew_bulkhead_limit{pipeline=\"order\",policy=\"bulkhead\"} 10",
                "sinew_ratelimiter_available_permits{pipeline=\"order\",policy=\"rate-limiter\"}",
                "sinew_budget_remaining{budget=\"order\"}",
                "sinew_budget_withdrawals_total{budget=\"order\",result=\"granted\"} 1",
                "sinew_budget_withdrawals_total{budget=\"order\",result=\"denied\"} 0");
    }

    @Test
    void closingUnbindsTheListenerAndRemovesTheMeters() {
        Pipeline p = Pipeline.builder("gateway").clock(clock)
                .add(CircuitBreaker.of(CircuitBreakerConfig.defaults())).build();
        SinewMetrics m = SinewMetrics.bind(registry, p);
        p.tryCall(OK);
        assertThat(p.events().active()).isTrue();
        assertThat(registry.scrape().lines().filter(l -> l.startsWith("sinew_calls_seconds_count{")
                && l.contains("pipeline=\"gateway\"")).count()).as("one series per outcome").isEqualTo(4);

        m.close();
        m.close(); // idempotent
        assertThat(p.events().active()).isFalse();
        assertThat(registry.getMeters()).isEmpty();
        p.tryCall(DOWN);
        assertThat(registry.getMeters()).as("no meter comes back after unbinding").isEmpty();
        assertThat(registry.scrape()).doesNotContain("sinew_");
    }

    @Test
    void keepsOtherListenersWhenUnbound() {
        int[] seen = new int[1];
        Pipeline p = Pipeline.builder("gateway").clock(clock).listener(new dev.sinew.event.PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long durationNanos) {
                seen[0]++;
            }
        }).build();
        SinewMetrics.bind(registry, p).close();
        p.tryCall(OK);
        assertThat(seen[0]).isEqualTo(1);
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> SinewMetrics.bind(null, Pipeline.builder("x").build()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("registry");
        assertThat(RejectedException.class).isNotNull();
        assertThat(TimeoutExceededException.class).isNotNull();
    }

    /** Count and sum of one {@code sinew.calls} series, read from the Prometheus scrape. */
    private Calls calls(String pipeline, String outcome) {
        return Calls.scraped(registry.scrape(), "pipeline=\"" + pipeline + "\"", "outcome=\"" + outcome + "\"");
    }

    private Counter rejections(String pipeline, String policy, String kind) {
        return registry.get("sinew.rejections").tags("pipeline", pipeline, "policy", policy, "kind", kind).counter();
    }

    private Counter retries(String pipeline, String result) {
        return registry.get("sinew.retries").tags("pipeline", pipeline, "policy", "retry", "result", result).counter();
    }

    private Counter fallbacks(String pipeline, String cause) {
        return registry.get("sinew.fallbacks").tags("pipeline", pipeline, "policy", "fallback", "cause", cause).counter();
    }

    private Counter transitions(String pipeline, String from, String to) {
        return registry.get("sinew.breaker.transitions")
                .tags("pipeline", pipeline, "policy", "breaker", "from", from, "to", to).counter();
    }

    private double state(String pipeline, String state) {
        return registry.get("sinew.breaker.state").tags("pipeline", pipeline, "policy", "breaker", "state", state)
                .gauge().value();
    }

    private Gauge gauge(String name, String pipeline, String policy) {
        return registry.get(name).tags("pipeline", pipeline, "policy", policy).gauge();
    }
}
