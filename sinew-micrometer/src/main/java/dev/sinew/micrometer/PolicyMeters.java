package dev.sinew.micrometer;

import static dev.sinew.micrometer.MeterNames.CAUSE;
import static dev.sinew.micrometer.MeterNames.KIND;
import static dev.sinew.micrometer.MeterNames.PIPELINE;
import static dev.sinew.micrometer.MeterNames.POLICY;
import static dev.sinew.micrometer.MeterNames.RESULT;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.event.CircuitState;
import dev.sinew.event.RejectionKind;
import dev.sinew.fallback.Fallback;
import dev.sinew.pipeline.Policy;
import dev.sinew.ratelimit.RateLimiter;
import dev.sinew.retry.Retry;
import dev.sinew.timeout.Timeout;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The counters of one policy of one pipeline, each registered on first use (or up front by
 * {@link #prepare}) and cached in a slot indexed by its tag value, so an event after the first one
 * costs one array read and one increment and allocates nothing.
 */
final class PolicyMeters {

    static final int SCHEDULED = 0;
    static final int DENIED = 1;
    static final int EXHAUSTED = 2;
    private static final String[] RETRY_RESULTS = {"scheduled", "denied", "exhausted"};
    static final int FAILURE = 0;
    static final int REJECTED = 1;
    private static final String[] FALLBACK_CAUSES = {"failure", "rejected"};
    /** Rejection slot of a retry the budget refused, after the {@link RejectionKind} ordinals. */
    static final int BUDGET_EXHAUSTED = RejectionKind.values().length;
    private static final int STATES = CircuitState.values().length;

    private final OwnedMeters owned;
    private final String pipeline;
    private final String policy;
    private final AtomicReferenceArray<Counter> rejections = new AtomicReferenceArray<>(BUDGET_EXHAUSTED + 1);
    private final AtomicReferenceArray<Counter> retries = new AtomicReferenceArray<>(RETRY_RESULTS.length);
    private final AtomicReferenceArray<Counter> timeouts = new AtomicReferenceArray<>(1);
    private final AtomicReferenceArray<Counter> fallbacks = new AtomicReferenceArray<>(FALLBACK_CAUSES.length);
    private final AtomicReferenceArray<Counter> transitions = new AtomicReferenceArray<>(STATES * STATES);

    PolicyMeters(OwnedMeters owned, String pipeline, String policy) {
        this.owned = owned;
        this.pipeline = pipeline;
        this.policy = policy;
    }

    Counter rejection(RejectionKind kind) {
        return rejection(kind.ordinal());
    }

    Counter budgetExhausted() {
        return rejection(BUDGET_EXHAUSTED);
    }

    private Counter rejection(int slot) {
        Counter c = rejections.get(slot);
        if (c != null) {
            return c;
        }
        String kind = slot == BUDGET_EXHAUSTED ? MeterNames.BUDGET_EXHAUSTED : MeterNames.tag(RejectionKind.values()[slot]);
        return register(rejections, slot, Counter.builder(MeterNames.REJECTIONS)
                .description("Calls a policy refused before they reached the downstream")
                .tag(KIND, kind));
    }

    Counter retry(int result) {
        Counter c = retries.get(result);
        return c != null ? c : register(retries, result, Counter.builder(MeterNames.RETRIES)
                .description("Failed attempts: retry scheduled, retry denied by the budget, or retries exhausted")
                .tag(RESULT, RETRY_RESULTS[result]));
    }

    Counter timeout() {
        Counter c = timeouts.get(0);
        return c != null ? c : register(timeouts, 0, Counter.builder(MeterNames.TIMEOUTS)
                .description("Calls a timeout policy gave up on"));
    }

    Counter fallback(int cause) {
        Counter c = fallbacks.get(cause);
        return c != null ? c : register(fallbacks, cause, Counter.builder(MeterNames.FALLBACKS)
                .description("Answers a fallback gave instead of the downstream, by why")
                .tag(CAUSE, FALLBACK_CAUSES[cause]));
    }

    Counter transition(CircuitState from, CircuitState to) {
        int slot = from.ordinal() * STATES + to.ordinal();
        Counter c = transitions.get(slot);
        return c != null ? c : register(transitions, slot, Counter.builder(MeterNames.BREAKER_TRANSITIONS)
                .description("Circuit breaker state changes")
                .tag(MeterNames.FROM, MeterNames.tag(from))
                .tag(MeterNames.TO, MeterNames.tag(to)));
    }

    /** Registers the counters this policy type will use, so they read 0 before the first event. */
    void prepare(Policy p) {
        if (p instanceof CircuitBreaker) {
            rejection(RejectionKind.CIRCUIT_OPEN);
            transition(CircuitState.CLOSED, CircuitState.OPEN);
        } else if (p instanceof Bulkhead) {
            rejection(RejectionKind.BULKHEAD_FULL);
        } else if (p instanceof RateLimiter) {
            rejection(RejectionKind.RATE_LIMITED);
        } else if (p instanceof Retry r) {
            retry(SCHEDULED);
            retry(DENIED);
            retry(EXHAUSTED);
            if (r.config().budget() != null) {
                budgetExhausted();
            }
        } else if (p instanceof Timeout) {
            timeout();
        } else if (p instanceof Fallback) {
            fallback(FAILURE);
            fallback(REJECTED);
        }
    }

    /** Registers (idempotent in Micrometer) and caches; a racing duplicate gets the same counter. */
    private Counter register(AtomicReferenceArray<Counter> cache, int slot, Counter.Builder builder) {
        Counter c = owned.own(builder.tag(PIPELINE, pipeline).tag(POLICY, policy).register(owned.registry()));
        cache.set(slot, c);
        return c;
    }
}
