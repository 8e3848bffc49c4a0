package dev.sinew.config;

import dev.sinew.time.DurationFormat;

import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.breaker.WindowType;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.ratelimit.RateLimiterConfig;
import dev.sinew.retry.Backoff;
import dev.sinew.retry.RetryBudget;
import dev.sinew.retry.RetryConfig;
import dev.sinew.timeout.TimeoutConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Turns parsed properties into validated policy configs. Everything named in the properties is
 * validated when the plan is made, so a bad key fails at startup or at reconfiguration time,
 * never at the first call.
 */
final class RegistryPlan {

    static final String DEFAULT = "default";
    private static final Duration LONGEST = Duration.ofDays(1);

    private static final Set<String> SECTIONS = Set.of(PipelinePlan.OVERALL_TIMEOUT, PipelinePlan.RETRY,
            PipelinePlan.BREAKER, PipelinePlan.RATE_LIMITER, PipelinePlan.BULKHEAD, PipelinePlan.TIMEOUT);
    private static final Set<String> TIMEOUT_KEYS = Set.of("enabled", "duration", "interrupt");
    private static final Set<String> RETRY_KEYS = Set.of("enabled", "max-attempts", "backoff", "initial-delay",
            "multiplier", "max-delay", "max-retry-after", "budget");
    private static final Set<String> BACKOFFS = Set.of("none", "fixed", "exponential", "full-jitter", "decorrelated-jitter");
    private static final Set<String> BREAKER_KEYS = Set.of("enabled", "window-type", "window-size",
            "failure-rate-threshold", "slow-call-rate-threshold", "slow-call-duration", "minimum-calls",
            "open-duration", "open-duration-multiplier", "max-open-duration", "open-duration-jitter", "half-open-probes");
    private static final Set<String> BULKHEAD_KEYS = Set.of("enabled", "max-concurrent", "max-wait");
    private static final Set<String> LIMITER_KEYS = Set.of("enabled", "permits-per-second", "burst", "max-wait");
    private static final Set<String> BUDGET_KEYS = Set.of("ttl", "percent-can-retry", "min-retries-per-second");

    private final PropertyTree tree;
    private final Map<String, PipelinePlan> pipelines = new ConcurrentHashMap<>();
    private final Map<String, BudgetPlan> budgets = new ConcurrentHashMap<>();

    private RegistryPlan(PropertyTree tree) {
        this.tree = tree;
    }

    static RegistryPlan from(Map<String, String> properties) {
        RegistryPlan plan = new RegistryPlan(PropertyTree.parse(properties));
        for (String name : plan.tree.pipelines.keySet()) {
            plan.pipeline(name);
        }
        for (String name : plan.tree.budgets.keySet()) {
            plan.budget(name);
        }
        return plan;
    }

    PipelinePlan pipeline(String name) {
        PipelinePlan p = pipelines.get(name);
        if (p == null) {
            p = build(name);
            pipelines.put(name, p);
        }
        return p;
    }

    BudgetPlan budget(String name) {
        BudgetPlan c = budgets.get(name);
        if (c == null) {
            Section s = new Section(PropertyTree.BUDGET + name + ".", tree.budgets.getOrDefault(name, Map.of()));
            s.requireOnly(BUDGET_KEYS);
            BudgetPlan d = BudgetPlan.defaults();
            BudgetPlan plan = new BudgetPlan(
                    s.has("ttl") ? s.duration("ttl", Duration.ZERO, LONGEST) : d.ttl(),
                    s.has("percent-can-retry") ? s.percent("percent-can-retry", 0, 1000) : d.percentCanRetry(),
                    s.has("min-retries-per-second") ? s.integer("min-retries-per-second", 0, Integer.MAX_VALUE) : d.minRetriesPerSecond());
            validated(s, () -> RetryBudget.builder().ttl(plan.ttl()).percentCanRetry(plan.percentCanRetry())
                    .minRetriesPerSecond(plan.minRetriesPerSecond()).build());
            budgets.put(name, plan);
            c = plan;
        }
        return c;
    }

    private PipelinePlan build(String name) {
        Map<String, Map<String, String>> own = tree.pipelines.getOrDefault(name, Map.of());
        Map<String, Map<String, String>> defaults = DEFAULT.equals(name) ? Map.of() : tree.pipelines.getOrDefault(DEFAULT, Map.of());
        for (String section : own.keySet()) {
            if (!SECTIONS.contains(section)) {
                throw new ConfigException(PropertyTree.PIPELINE + name + "." + section,
                        "unknown policy; allowed policies are " + new java.util.TreeSet<>(SECTIONS));
            }
        }
        Map<String, Section> sections = new HashMap<>();
        for (String section : SECTIONS) {
            Map<String, String> merged = new LinkedHashMap<>(defaults.getOrDefault(section, Map.of()));
            merged.putAll(own.getOrDefault(section, Map.of()));
            sections.put(section, new Section(PropertyTree.PIPELINE + name + "." + section + ".", new TreeMap<>(merged)));
        }
        Section retry = sections.get(PipelinePlan.RETRY);
        String budgetName = null;
        RetryConfig retryConfig = null;
        if (enabled(retry, true, RETRY_KEYS)) {
            retryConfig = retry(retry);
            budgetName = retry.has("budget") ? retry.text("budget") : name;
            if ("none".equalsIgnoreCase(budgetName)) {
                budgetName = null;
            } else {
                budget(budgetName);
            }
        }
        Section overall = sections.get(PipelinePlan.OVERALL_TIMEOUT);
        Section timeout = sections.get(PipelinePlan.TIMEOUT);
        Section breaker = sections.get(PipelinePlan.BREAKER);
        Section limiter = sections.get(PipelinePlan.RATE_LIMITER);
        Section bulkhead = sections.get(PipelinePlan.BULKHEAD);
        return new PipelinePlan(
                enabled(overall, false, TIMEOUT_KEYS) ? timeout(overall) : null,
                retryConfig,
                budgetName,
                enabled(breaker, true, BREAKER_KEYS) ? breaker(breaker) : null,
                enabled(limiter, false, LIMITER_KEYS) ? limiter(limiter) : null,
                enabled(bulkhead, true, BULKHEAD_KEYS) ? bulkhead(bulkhead) : null,
                enabled(timeout, true, TIMEOUT_KEYS) ? timeout(timeout) : null);
    }

    /** A section is on if it says so, or if it has settings, or by default. */
    private static boolean enabled(Section s, boolean byDefault, Set<String> allowed) {
        s.requireOnly(allowed);
        if (s.has("enabled")) {
            return s.bool("enabled");
        }
        return byDefault || !s.isEmpty();
    }

    private static TimeoutConfig timeout(Section s) {
        TimeoutConfig.Builder b = TimeoutConfig.builder();
        if (s.has("duration")) {
            b.duration(s.duration("duration", Duration.ofNanos(1), LONGEST));
        }
        if (s.has("interrupt")) {
            b.interrupt(s.bool("interrupt"));
        }
        return validated(s, b::build);
    }

    private static RetryConfig retry(Section s) {
        RetryConfig.Builder b = RetryConfig.builder();
        if (s.has("max-attempts")) {
            b.maxAttempts(s.integer("max-attempts", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        if (s.has("max-retry-after")) {
            b.maxRetryAfter(s.duration("max-retry-after", Duration.ZERO, LONGEST));
        }
        if (s.has("backoff") || s.has("initial-delay") || s.has("multiplier") || s.has("max-delay")) {
            String kind = s.has("backoff") ? s.choice("backoff", BACKOFFS) : "full-jitter";
            Duration initial = s.has("initial-delay") ? s.duration("initial-delay", Duration.ZERO, LONGEST) : Duration.ofMillis(100);
            Duration max = s.has("max-delay") ? s.duration("max-delay", Duration.ZERO, LONGEST) : Duration.ofSeconds(10);
            double multiplier = s.has("multiplier") ? s.decimal("multiplier", 1, 100) : 2;
            if (max.compareTo(initial) < 0) {
                throw new ConfigException(s.fullKey("max-delay"), "'" + s.text("max-delay")
                        + "' is less than initial-delay " + DurationFormat.format(initial) + "; expected max-delay >= initial-delay");
            }
            Backoff backoff = switch (kind) {
                case "none" -> Backoff.none();
                case "fixed" -> Backoff.fixed(initial);
                case "full-jitter" -> Backoff.fullJitter(initial, max);
                case "decorrelated-jitter" -> Backoff.decorrelatedJitter(initial, max);
                case "exponential" -> Backoff.exponential(initial, multiplier, max);
                default -> Backoff.fullJitter(initial, max);
            };
            b.backoff(backoff);
        }
        return validated(s, b::build);
    }

    private static CircuitBreakerConfig breaker(Section s) {
        CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
        if (s.has("window-type")) {
            b.windowType("time".equals(s.choice("window-type", Set.of("count", "time")))
                    ? WindowType.TIME : WindowType.COUNT);
        }
        if (s.has("window-size")) {
            b.windowSize(s.integer("window-size", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        if (s.has("failure-rate-threshold")) {
            b.failureRateThreshold(s.percent("failure-rate-threshold", 0, 100));
        }
        if (s.has("slow-call-rate-threshold")) {
            b.slowCallRateThreshold(s.percent("slow-call-rate-threshold", 0, 100));
        }
        if (s.has("slow-call-duration")) {
            b.slowCallDuration(s.duration("slow-call-duration", Duration.ZERO, LONGEST));
        }
        if (s.has("minimum-calls")) {
            b.minimumCalls(s.integer("minimum-calls", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        if (s.has("open-duration")) {
            b.openDuration(s.duration("open-duration", Duration.ZERO, LONGEST));
        }
        if (s.has("open-duration-multiplier")) {
            b.openDurationMultiplier(s.decimal("open-duration-multiplier", -Double.MAX_VALUE, Double.MAX_VALUE));
        }
        if (s.has("max-open-duration")) {
            b.maxOpenDuration(s.duration("max-open-duration", Duration.ZERO, LONGEST));
        }
        if (s.has("open-duration-jitter")) {
            b.openDurationJitter(s.decimal("open-duration-jitter", -Double.MAX_VALUE, Double.MAX_VALUE));
        }
        if (s.has("half-open-probes")) {
            b.halfOpenProbes(s.integer("half-open-probes", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        return validated(s, b::build);
    }

    private static BulkheadConfig bulkhead(Section s) {
        BulkheadConfig.Builder b = BulkheadConfig.builder();
        if (s.has("max-concurrent")) {
            b.maxConcurrent(s.integer("max-concurrent", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        if (s.has("max-wait")) {
            b.maxWait(s.duration("max-wait", Duration.ZERO, LONGEST));
        }
        return validated(s, b::build);
    }

    private static RateLimiterConfig limiter(Section s) {
        RateLimiterConfig.Builder b = RateLimiterConfig.builder();
        if (s.has("permits-per-second")) {
            b.permitsPerSecond(s.decimal("permits-per-second", -Double.MAX_VALUE, Double.MAX_VALUE));
        }
        if (s.has("burst")) {
            b.burst(s.integer("burst", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        if (s.has("max-wait")) {
            b.maxWait(s.duration("max-wait", Duration.ZERO, LONGEST));
        }
        return validated(s, b::build);
    }

    /**
     * Runs a config builder's validation and re-labels its error with the full property key, so
     * that {@code max-attempts: 0 is not allowed...} becomes
     * {@code sinew.pipeline.payment.retry.max-attempts: 0 is not allowed...}.
     */
    private static <T> T validated(Section s, Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            int colon = msg.indexOf(':');
            if (colon > 0 && msg.substring(0, colon).matches("[a-z][a-z0-9-]*")) {
                throw new ConfigException(s.fullKey(msg.substring(0, colon)), msg.substring(colon + 1).trim(), e);
            }
            throw new ConfigException(s.prefix() + "*", msg, e);
        }
    }
}
