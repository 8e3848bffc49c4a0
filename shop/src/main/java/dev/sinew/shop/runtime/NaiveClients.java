package dev.sinew.shop.runtime;

import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The pipelines of a service as a naive client would call its peers, for the game day's comparison
 * mode ({@code --naive}): no Sinew timeouts, three attempts with a fixed 10 ms pause and no retry
 * budget, no circuit breaker, no bulkhead. Fallbacks given in code stay (they answer when a call
 * fails), and so does the HTTP client's own 5 s backstop per request: a frozen peer costs a caller
 * 3 × 5 s instead of one bounded attempt.
 */
final class NaiveClients {

    private static final Pattern POLICY_KEY =
            Pattern.compile("sinew\\.pipeline\\.[^.]+\\.(timeout|overall-timeout|retry|breaker|bulkhead|rate-limiter)\\..*");

    private NaiveClients() {
    }

    /** {@code configured} without any resilience key of its pipelines, plus the naive defaults. */
    static Properties of(Properties configured) {
        Properties p = new Properties();
        for (String key : configured.stringPropertyNames()) {
            if (!POLICY_KEY.matcher(key).matches() && !key.startsWith("sinew.budget.")) {
                p.setProperty(key, configured.getProperty(key));
            }
        }
        p.setProperty("sinew.pipeline.default.timeout.enabled", "false");
        p.setProperty("sinew.pipeline.default.breaker.enabled", "false");
        p.setProperty("sinew.pipeline.default.bulkhead.enabled", "false");
        p.setProperty("sinew.pipeline.default.retry.max-attempts", "3");
        p.setProperty("sinew.pipeline.default.retry.backoff", "fixed");
        p.setProperty("sinew.pipeline.default.retry.initial-delay", "10ms");
        p.setProperty("sinew.pipeline.default.retry.budget", "none");
        return p;
    }
}
