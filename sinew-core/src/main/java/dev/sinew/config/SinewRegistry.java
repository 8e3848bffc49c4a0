package dev.sinew.config;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.event.PipelineListener;
import dev.sinew.fallback.Fallback;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.Policy;
import dev.sinew.ratelimit.RateLimiter;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.time.Clock;
import dev.sinew.timeout.Timeout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Named pipelines and retry budgets, configured in code or from flat properties such as
 * {@code sinew.pipeline.payment.retry.max-attempts=3}. Every pipeline gets, outermost first:
 * an optional fallback (code), {@code overall-timeout} (off unless configured), {@code retry}
 * (budgeted: a budget per downstream, named after the pipeline unless {@code retry.budget} names
 * another or {@code none}), {@code breaker}, {@code rate-limiter} (off unless configured),
 * {@code bulkhead}, and a per-attempt {@code timeout}. Keys under {@code sinew.pipeline.default.}
 * apply to every pipeline; {@code <policy>.enabled=false} removes a policy.
 *
 * <p>{@link #reconfigure} validates the whole new configuration first and then applies it live:
 * policy instances are kept and reconfigured, so an open breaker stays open, windows keep their
 * counts and budgets keep their tokens. See {@code docs/CONFIGURATION.md} for every key.
 */
public final class SinewRegistry {

    private final Clock clock;
    private final List<PipelineListener> listeners;
    private final List<Function<String, ? extends Policy>> outerFactories = new CopyOnWriteArrayList<>();
    private final List<Function<String, ? extends Policy>> innerFactories = new CopyOnWriteArrayList<>();
    private final Classifier classifier;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Pipeline> pipelines = new ConcurrentHashMap<>();
    private final Map<String, Fallback> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, List<Policy>> outerPolicies = new ConcurrentHashMap<>();
    private final Map<String, List<Policy>> innerPolicies = new ConcurrentHashMap<>();
    private final Map<String, RetryBudget> budgets = new ConcurrentHashMap<>();
    private final List<Consumer<Pipeline>> watchers = new CopyOnWriteArrayList<>();
    private volatile RegistryPlan plan;

    private SinewRegistry(Builder b) {
        this.clock = b.clock;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.classifier = b.classifier;
        this.plan = RegistryPlan.from(b.properties);
    }

    /** A registry configured by {@code properties}; fails fast on any invalid key or value. */
    public static SinewRegistry of(Map<String, String> properties) {
        return builder().properties(properties).build();
    }

    /** A registry configured by {@code properties}; fails fast on any invalid key or value. */
    public static SinewRegistry of(Properties properties) {
        return builder().properties(PropertyTree.flatten(properties)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The pipeline named {@code name}, created from the configuration on first use. */
    public Pipeline pipeline(String name) {
        Pipeline p = pipelines.get(name);
        return p != null ? p : create(name, null);
    }

    /** The pipeline named {@code name} with {@code fallback} as its outermost policy (first call wins). */
    public Pipeline pipeline(String name, Fallback fallback) {
        Pipeline p = pipelines.get(name);
        return p != null ? p : create(name, Objects.requireNonNull(fallback, "fallback"));
    }

    /** The retry budget named {@code name} (usually a downstream), created on first use. */
    public RetryBudget budget(String name) {
        lock.lock();
        try {
            return budgets.computeIfAbsent(name, n -> plan.budget(n).create(clock));
        } finally {
            lock.unlock();
        }
    }

    /** Every pipeline created so far. */
    public Collection<Pipeline> pipelines() {
        return List.copyOf(pipelines.values());
    }

    /** Every retry budget created so far, by name. */
    public Map<String, RetryBudget> budgets() {
        return Map.copyOf(budgets);
    }

    /**
     * Calls {@code watcher} for every pipeline created so far and then for each pipeline as it is
     * created, each exactly once; for integrations that bind per pipeline (metrics). The watcher
     * runs under the registry's lock: keep it short and do not create pipelines from it. The
     * returned handle stops the calls.
     */
    public Runnable watchPipelines(Consumer<Pipeline> watcher) {
        Objects.requireNonNull(watcher, "watcher");
        lock.lock();
        try {
            pipelines.values().forEach(watcher);
            watchers.add(watcher);
        } finally {
            lock.unlock();
        }
        return () -> watchers.remove(watcher);
    }

    /** Attaches {@code listener} to every pipeline, those created so far and those created later. */
    public void addListener(PipelineListener listener) {
        Objects.requireNonNull(listener, "listener");
        lock.lock();
        try {
            listeners.add(listener);
            for (Pipeline p : pipelines.values()) {
                p.events().add(listener);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a policy outermost on every pipeline, those created so far and those created later:
     * {@code factory} makes one instance per pipeline from its name. The policy wraps the fallback
     * and stays in place across {@link #reconfigure}. Meant for concerns around the whole call,
     * such as tracing or fault injection; policies added earlier stay outside those added later.
     */
    public void addOuterPolicy(Function<String, ? extends Policy> factory) {
        Objects.requireNonNull(factory, "factory");
        lock.lock();
        try {
            outerFactories.add(factory);
            for (Pipeline p : pipelines.values()) {
                outerPolicies.computeIfAbsent(p.name(), n -> new CopyOnWriteArrayList<>()).add(outer(factory, p.name()));
                p.replacePolicies(policies(p, plan.pipeline(p.name()), fallbacks.get(p.name())));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a policy innermost on every pipeline, those created so far and those created later,
     * right next to the call and inside the per-attempt timeout: {@code factory} makes one instance
     * per pipeline from its name. What it does is seen by every other policy as if the downstream
     * did it, so it is the place for fault injection. It stays in place across {@link #reconfigure};
     * policies added earlier stay outside those added later.
     */
    public void addInnerPolicy(Function<String, ? extends Policy> factory) {
        Objects.requireNonNull(factory, "factory");
        lock.lock();
        try {
            innerFactories.add(factory);
            for (Pipeline p : pipelines.values()) {
                innerPolicies.computeIfAbsent(p.name(), n -> new CopyOnWriteArrayList<>()).add(outer(factory, p.name()));
                p.replacePolicies(policies(p, plan.pipeline(p.name()), fallbacks.get(p.name())));
            }
        } finally {
            lock.unlock();
        }
    }

    private static Policy outer(Function<String, ? extends Policy> factory, String pipeline) {
        return Objects.requireNonNull(factory.apply(pipeline), "outer policy factory returned null for pipeline " + pipeline);
    }

    /**
     * Applies a new configuration to every existing pipeline and budget, keeping their state.
     * Nothing is changed if any key or value is invalid.
     */
    public void reconfigure(Map<String, String> properties) {
        RegistryPlan next = RegistryPlan.from(properties);
        lock.lock();
        try {
            for (Pipeline p : pipelines.values()) {
                next.pipeline(p.name()); // validate every live pipeline before touching any
            }
            plan = next;
            for (Map.Entry<String, RetryBudget> b : budgets.entrySet()) {
                next.budget(b.getKey()).applyTo(b.getValue());
            }
            for (Pipeline p : pipelines.values()) {
                p.replacePolicies(policies(p, next.pipeline(p.name()), fallbacks.get(p.name())));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Same as {@link #reconfigure(Map)} for a {@link Properties} object. */
    public void reconfigure(Properties properties) {
        reconfigure(PropertyTree.flatten(properties));
    }

    private Pipeline create(String name, Fallback fallback) {
        lock.lock();
        try {
            Pipeline existing = pipelines.get(name);
            if (existing != null) {
                return existing;
            }
            PipelinePlan pp = plan.pipeline(name);
            Pipeline.Builder b = Pipeline.builder(name).clock(clock).classifier(classifier);
            listeners.forEach(b::listener);
            if (!outerFactories.isEmpty()) {
                List<Policy> outer = new CopyOnWriteArrayList<>();
                for (Function<String, ? extends Policy> f : outerFactories) {
                    outer.add(outer(f, name));
                }
                outerPolicies.put(name, outer);
                b.add(outer.toArray(Policy[]::new));
            }
            b.add(policies(null, pp, fallback).toArray(Policy[]::new));
            if (!innerFactories.isEmpty()) {
                List<Policy> inner = new CopyOnWriteArrayList<>();
                for (Function<String, ? extends Policy> f : innerFactories) {
                    inner.add(outer(f, name));
                }
                innerPolicies.put(name, inner);
                b.add(inner.toArray(Policy[]::new));
            }
            Pipeline p = b.build();
            if (fallback != null) {
                fallbacks.put(name, fallback);
            }
            pipelines.put(name, p);
            for (Consumer<Pipeline> w : watchers) {
                w.accept(p);
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** The policy list for a plan, reusing (and reconfiguring) the instances of {@code existing}. */
    private List<Policy> policies(Pipeline existing, PipelinePlan pp, Fallback fallback) {
        List<Policy> list = new ArrayList<>();
        if (existing != null) {
            list.addAll(outerPolicies.getOrDefault(existing.name(), List.of()));
        }
        if (fallback != null) {
            list.add(fallback);
        }
        if (pp.overallTimeout() != null) {
            Timeout t = find(existing, Timeout.class, PipelinePlan.OVERALL_TIMEOUT);
            list.add(t != null ? reconfigured(t, pp) : Timeout.of(PipelinePlan.OVERALL_TIMEOUT, pp.overallTimeout()));
        }
        if (pp.retry() != null) {
            RetryBudget budget = pp.budgetName() == null ? null : budget(pp.budgetName());
            var config = pp.retry().toBuilder().budget(budget).build();
            Retry r = find(existing, Retry.class, PipelinePlan.RETRY);
            if (r != null) {
                r.reconfigure(config);
            }
            list.add(r != null ? r : Retry.of(PipelinePlan.RETRY, config));
        }
        if (pp.breaker() != null) {
            CircuitBreaker cb = find(existing, CircuitBreaker.class, PipelinePlan.BREAKER);
            if (cb != null) {
                cb.reconfigure(pp.breaker());
            }
            list.add(cb != null ? cb : CircuitBreaker.of(PipelinePlan.BREAKER, pp.breaker()));
        }
        if (pp.rateLimiter() != null) {
            RateLimiter rl = find(existing, RateLimiter.class, PipelinePlan.RATE_LIMITER);
            if (rl != null) {
                rl.reconfigure(pp.rateLimiter());
            }
            list.add(rl != null ? rl : RateLimiter.of(PipelinePlan.RATE_LIMITER, pp.rateLimiter()));
        }
        if (pp.bulkhead() != null) {
            Bulkhead bh = find(existing, Bulkhead.class, PipelinePlan.BULKHEAD);
            if (bh != null) {
                bh.reconfigure(pp.bulkhead());
            }
            list.add(bh != null ? bh : Bulkhead.of(PipelinePlan.BULKHEAD, pp.bulkhead()));
        }
        if (pp.timeout() != null) {
            Timeout t = find(existing, Timeout.class, PipelinePlan.TIMEOUT);
            if (t != null) {
                t.reconfigure(pp.timeout());
            }
            list.add(t != null ? t : Timeout.of(PipelinePlan.TIMEOUT, pp.timeout()));
        }
        if (existing != null) {
            list.addAll(innerPolicies.getOrDefault(existing.name(), List.of()));
        }
        return list;
    }

    private static Timeout reconfigured(Timeout t, PipelinePlan pp) {
        t.reconfigure(pp.overallTimeout());
        return t;
    }

    private static <P extends Policy> P find(Pipeline existing, Class<P> type, String name) {
        if (existing == null) {
            return null;
        }
        return existing.policy(name).filter(type::isInstance).map(type::cast).orElse(null);
    }

    /** Builds a {@link SinewRegistry}. */
    public static final class Builder {
        private Map<String, String> properties = Map.of();
        private Clock clock = Clock.system();
        private Classifier classifier = Classifier.DEFAULT;
        private final List<PipelineListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Flat {@code sinew.*} properties; other keys are ignored. */
        public Builder properties(Map<String, String> properties) {
            this.properties = Map.copyOf(properties);
            return this;
        }

        /** The clock for every pipeline and budget; tests pass a {@code TestClock}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The classifier every pipeline starts with. */
        public Builder classifier(Classifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /** A listener attached to every pipeline this registry creates (metrics, tracing, console). */
        public Builder listener(PipelineListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public SinewRegistry build() {
            return new SinewRegistry(this);
        }
    }
}
