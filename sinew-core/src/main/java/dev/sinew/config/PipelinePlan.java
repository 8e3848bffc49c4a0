package dev.sinew.config;

import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.ratelimit.RateLimiterConfig;
import dev.sinew.retry.RetryConfig;
import dev.sinew.timeout.TimeoutConfig;

/**
 * The validated settings of one pipeline; a {@code null} config means the policy is off.
 *
 * @param budgetName the retry budget to draw from, or {@code null} for unbudgeted retries
 */
record PipelinePlan(
        TimeoutConfig overallTimeout,
        RetryConfig retry,
        String budgetName,
        CircuitBreakerConfig breaker,
        RateLimiterConfig rateLimiter,
        BulkheadConfig bulkhead,
        TimeoutConfig timeout) {

    static final String OVERALL_TIMEOUT = "overall-timeout";
    static final String RETRY = "retry";
    static final String BREAKER = "breaker";
    static final String RATE_LIMITER = "rate-limiter";
    static final String BULKHEAD = "bulkhead";
    static final String TIMEOUT = "timeout";
}
