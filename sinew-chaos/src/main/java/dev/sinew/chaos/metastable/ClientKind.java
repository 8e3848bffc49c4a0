package dev.sinew.chaos.metastable;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.Backoff;
import dev.sinew.retry.RandomSource;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.retry.RetryConfig;
import dev.sinew.time.Clock;
import dev.sinew.timeout.Timeout;
import java.time.Duration;
import java.util.Locale;

/** The client policies compared, each built from the real Sinew policies on the simulated clock. */
public enum ClientKind {

    /** Three attempts, 10 ms apart, no budget, no breaker: what many hand-written clients do. */
    NAIVE("3 attempts, fixed 10 ms backoff, no budget, no breaker") {
        @Override
        Pipeline pipeline(Clock clock, Scenario s, RandomSource random) {
            Retry retry = Retry.of(RetryConfig.builder()
                    .maxAttempts(3)
                    .backoff(Backoff.fixed(Duration.ofMillis(10)))
                    .random(random)
                    .build());
            return Pipeline.builder("naive").clock(clock)
                    .add(retry, Timeout.of(Duration.ofMillis(s.timeoutMs())))
                    .build();
        }
    },

    /**
     * Sinew's retry budget alone, without the breaker: three attempts with full-jitter backoff
     * under a {@link RetryBudget} of 10% (ttl 10 s, floor 10/s). Shows what the budget does by itself.
     */
    BUDGET("3 attempts, full jitter 50 ms..1 s, retry budget 10% (ttl 10 s, floor 10/s), no breaker") {
        @Override
        Pipeline pipeline(Clock clock, Scenario s, RandomSource random) {
            return Pipeline.builder("budget").clock(clock)
                    .add(budgetedRetry(clock, random), Timeout.of(Duration.ofMillis(s.timeoutMs())))
                    .build();
        }
    },

    /**
     * Sinew: three attempts with full-jitter backoff under a {@link RetryBudget} of 10% (ttl 10 s,
     * floor 10/s), and a circuit breaker (50% of the last 50 calls, open 1 s, 5 probes).
     */
    SINEW("3 attempts, full jitter 50 ms..1 s, retry budget 10% (ttl 10 s, floor 10/s), breaker 50%/50 calls, open 1 s") {
        @Override
        Pipeline pipeline(Clock clock, Scenario s, RandomSource random) {
            CircuitBreaker breaker = CircuitBreaker.of(CircuitBreakerConfig.builder()
                    .windowSize(50)
                    .minimumCalls(20)
                    .failureRateThreshold(50)
                    .openDuration(Duration.ofSeconds(1))
                    .halfOpenProbes(5)
                    .build());
            return Pipeline.builder("sinew").clock(clock)
                    .add(budgetedRetry(clock, random), breaker, Timeout.of(Duration.ofMillis(s.timeoutMs())))
                    .build();
        }
    };

    private final String description;

    ClientKind(String description) {
        this.description = description;
    }

    /** What the client does, for reports. */
    public String description() {
        return description;
    }

    /** The lower-case name used on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The retry of the Sinew clients: the real {@link Retry} with a real {@link RetryBudget} on the simulated clock. */
    private static Retry budgetedRetry(Clock clock, RandomSource random) {
        RetryBudget budget = RetryBudget.builder()
                .ttl(Duration.ofSeconds(10))
                .percentCanRetry(10)
                .minRetriesPerSecond(10)
                .clock(clock)
                .build();
        return Retry.of(RetryConfig.builder()
                .maxAttempts(3)
                .backoff(Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(1)))
                .budget(budget)
                .random(random)
                .build());
    }

    abstract Pipeline pipeline(Clock clock, Scenario s, RandomSource random);
}
