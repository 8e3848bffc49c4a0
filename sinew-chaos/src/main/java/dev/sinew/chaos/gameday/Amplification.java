package dev.sinew.chaos.gameday;

import java.util.List;
import java.util.Locale;

/**
 * Retry amplification toward the broken node over an experiment's fault window, from its callers'
 * Sinew metrics: the attempts their pipelines of that name sent (calls + retries scheduled − calls
 * and retries a breaker, bulkhead or rate limiter refused before sending) ÷ the calls made. 1.0×: no
 * retry reached it; above: retries piled on; below: refusals (an open breaker) spared it. The issue's
 * target under a full outage is ≤ 1.2×.
 *
 * @param callers the services whose pipelines of that name were counted (empty: nobody calls it
 *                through a Sinew pipeline, e.g. the broker)
 */
public record Amplification(long calls, long attempts, List<String> callers) {

    /** Nobody calls the node through a pipeline: nothing to measure. */
    public static final Amplification NONE = new Amplification(0, 0, List.of());

    public Amplification {
        callers = List.copyOf(callers);
    }

    /** Attempts ÷ calls, or null without calls. */
    public Double ratio() {
        return calls == 0 ? null : (double) attempts / calls;
    }

    /** {@code 1.05x}, or {@code -} without calls. */
    public String text() {
        Double r = ratio();
        return r == null ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    /** In words, for the per-experiment details. */
    public String describe(String target) {
        if (calls == 0) {
            return callers.isEmpty() ? "not measured (no Sinew pipeline calls " + target + ")"
                    : "no calls toward " + target + " in the fault window";
        }
        return String.format(Locale.ROOT, "%s (%d attempts for %d calls toward %s by %s)", text(), attempts, calls, target,
                String.join(", ", callers));
    }
}
