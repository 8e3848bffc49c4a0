package dev.sinew.micrometer;

import static dev.sinew.micrometer.MeterNames.PIPELINE;
import static dev.sinew.micrometer.MeterNames.POLICY;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.event.CircuitState;
import dev.sinew.pipeline.Policy;
import dev.sinew.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Gauge;
import java.util.function.ToDoubleFunction;

/**
 * The gauges of one policy. Each reads the policy's own state when the registry is scraped, so
 * nothing is stored twice and nothing runs on the call path.
 */
final class PolicyGauges {

    private PolicyGauges() {
    }

    static void register(OwnedMeters owned, String pipeline, Policy p) {
        if (p instanceof CircuitBreaker b) {
            for (CircuitState s : CircuitState.values()) {
                gauge(owned, MeterNames.BREAKER_STATE, "1 for the breaker's current state, 0 for the others",
                        pipeline, b, x -> x.state() == s ? 1 : 0, MeterNames.STATE, MeterNames.tag(s));
            }
            gauge(owned, MeterNames.BREAKER_FAILURE_RATE,
                    "Failed calls in the breaker's window, 0..1; NaN below minimum-calls and while not closed or half-open",
                    pipeline, b, x -> rate(x, true), null, null);
            gauge(owned, MeterNames.BREAKER_SLOW_CALL_RATE,
                    "Slow calls (finished or still running) in the breaker's window, 0..1; NaN like the failure rate",
                    pipeline, b, x -> rate(x, false), null, null);
        } else if (p instanceof Bulkhead b) {
            gauge(owned, MeterNames.BULKHEAD_IN_FLIGHT, "Calls currently inside the bulkhead",
                    pipeline, b, Bulkhead::inFlight, null, null);
            gauge(owned, MeterNames.BULKHEAD_LIMIT, "The bulkhead's maximum of concurrent calls",
                    pipeline, b, x -> x.config().maxConcurrent(), null, null);
        } else if (p instanceof RateLimiter r) {
            gauge(owned, MeterNames.RATELIMITER_PERMITS, "Permits the rate limiter could grant right now",
                    pipeline, r, RateLimiter::availablePermits, null, null);
        }
    }

    /**
     * A rate as a ratio. The breaker reports percent over whatever it holds; below the minimum
     * number of calls (closed) or before the first probe ends (half-open) that number means
     * nothing, and in the other states there is no window, so those read NaN.
     */
    static double rate(CircuitBreaker b, boolean failures) {
        CircuitBreaker.Metrics m = b.metrics();
        int enough = switch (m.state()) {
            case CLOSED -> Math.max(1, b.config().minimumCalls());
            case HALF_OPEN -> 1;
            default -> Integer.MAX_VALUE;
        };
        int seen = m.bufferedCalls() + (failures ? 0 : m.slowCallsInFlight());
        if (seen < enough) {
            return Double.NaN;
        }
        return (failures ? m.failureRate() : m.slowCallRate()) / 100.0;
    }

    private static <T> void gauge(OwnedMeters owned, String name, String description, String pipeline, T policy,
                                  ToDoubleFunction<T> value, String tagKey, String tagValue) {
        Gauge.Builder<T> b = Gauge.builder(name, policy, value)
                .description(description)
                .tag(PIPELINE, pipeline)
                .tag(POLICY, ((Policy) policy).name())
                .strongReference(true);
        if (tagKey != null) {
            b.tag(tagKey, tagValue);
        }
        owned.own(b.register(owned.registry()));
    }
}
