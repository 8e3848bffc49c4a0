package dev.sinew.micrometer;

import dev.sinew.config.SinewRegistry;
import dev.sinew.event.CircuitState;
import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.Policy;
import dev.sinew.retry.RetryBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Micrometer meters for one {@link Pipeline}: the call duration histogram by outcome, counters for rejections,
 * retries, timeouts, fallbacks and breaker transitions, and gauges that read the policies' own
 * state. Names, tags and meanings are in {@code docs/METRICS.md}.
 *
 * <pre>{@code
 * MetricsBinding m = SinewMetrics.bind(meterRegistry, sinewRegistry); // every pipeline and budget
 * SinewMetrics one = SinewMetrics.bind(meterRegistry, pipeline);      // or a single pipeline
 * m.close();                                                         // detaches and removes the meters
 * }</pre>
 *
 * <p>Call durations go into Sinew's own {@link CallHistogram} per outcome (striped, lock-free, no
 * clock reading of its own), resolved when binding, so a successful call costs one bucket search and
 * two uncontended atomic adds, no lookup and no allocation; {@link CallMeters} publishes them (a
 * Prometheus histogram, or a {@code FunctionTimer} on other registries). Counters are registered
 * once and cached by their tag values. Tags hold
 * only names and fixed values, never a per-call value. Gauges cover the policies present at bind
 * time; bind again after a reconfiguration that adds policies. Bind a pipeline once per registry:
 * a second binding of the same pipeline name is refused by a Prometheus registry (its series would
 * be duplicates) and shares the counters elsewhere; closing either removes them.
 */
public final class SinewMetrics implements PipelineListener, MetricsBinding {

    private final Pipeline pipeline;
    private final OwnedMeters owned;
    /** The {@code sinew.calls} histogram per outcome, indexed by {@link Outcomes}: resolved once, no lookup per call. */
    private final CallHistogram[] calls = new CallHistogram[Outcomes.NAMES.length];
    private final Map<String, PolicyMeters> policies = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SinewMetrics(MeterRegistry registry, Pipeline pipeline) {
        this.pipeline = pipeline;
        this.owned = new OwnedMeters(registry);
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new CallHistogram(LatencyBuckets.boundaries());
        }
        try {
            CallMeters.publish(owned, registry, pipeline.name(), calls);
            for (Policy p : pipeline.policies()) {
                PolicyMeters pm = new PolicyMeters(owned, pipeline.name(), p.name());
                pm.prepare(p);
                policies.put(p.name(), pm);
                PolicyGauges.register(owned, pipeline.name(), p);
            }
        } catch (RuntimeException e) {
            owned.removeAll(); // nothing half-bound stays behind
            throw e;
        }
    }

    /** Registers the meters of {@code pipeline} in {@code registry} and starts listening to it. */
    public static SinewMetrics bind(MeterRegistry registry, Pipeline pipeline) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(pipeline, "pipeline");
        SinewMetrics m = new SinewMetrics(registry, pipeline);
        pipeline.events().add(m);
        return m;
    }

    /**
     * Binds every pipeline of {@code sinew}, now and as they are created, and every retry budget
     * (budgets are picked up when a pipeline is created; see {@link #bindBudget} for others).
     */
    public static MetricsBinding bind(MeterRegistry registry, SinewRegistry sinew) {
        return RegistryMetrics.bind(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(sinew, "sinew"));
    }

    /** Registers the gauge and counters of one retry budget, tagged {@code budget=name}. */
    public static MetricsBinding bindBudget(MeterRegistry registry, String name, RetryBudget budget) {
        return BudgetMeters.bind(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(budget, "budget"));
    }

    /** The pipeline this binding measures. */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** Stops listening and removes this binding's meters from the registry. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pipeline.events().remove(this);
            owned.removeAll();
        }
    }

    @Override
    public void onSuccess(String pipeline, long durationNanos) {
        calls[Outcomes.SUCCESS].record(durationNanos);
    }

    @Override
    public void onFailure(String pipeline, long durationNanos, Throwable error, Object result) {
        calls[Outcomes.ofFailure(error)].record(durationNanos);
    }

    @Override
    public void onRejected(String pipeline, String policy, RejectionKind kind) {
        policy(policy).rejection(kind).increment();
    }

    @Override
    public void onRetry(String pipeline, String policy, int attempt, long delayNanos, Throwable error, Object result) {
        policy(policy).retry(PolicyMeters.SCHEDULED).increment();
    }

    @Override
    public void onRetryDenied(String pipeline, String policy, int attempt, Throwable error, Object result) {
        PolicyMeters pm = policy(policy);
        pm.retry(PolicyMeters.DENIED).increment();
        pm.budgetExhausted().increment();
    }

    @Override
    public void onRetriesExhausted(String pipeline, String policy, int attempts, Throwable error, Object result) {
        policy(policy).retry(PolicyMeters.EXHAUSTED).increment();
    }

    @Override
    public void onTimeout(String pipeline, String policy, long timeoutNanos) {
        policy(policy).timeout().increment();
    }

    @Override
    public void onStateChange(String pipeline, String policy, CircuitState from, CircuitState to) {
        policy(policy).transition(from, to).increment();
    }

    @Override
    public void onFallback(String pipeline, String policy, Throwable error, Object result, RejectionKind rejection) {
        policy(policy).fallback(rejection != null ? PolicyMeters.REJECTED : PolicyMeters.FAILURE).increment();
    }

    /** The counters of a policy; one added after binding (a reconfiguration) gets its own on first use. */
    private PolicyMeters policy(String name) {
        PolicyMeters pm = policies.get(name);
        if (pm != null) {
            return pm;
        }
        return policies.computeIfAbsent(name, n -> new PolicyMeters(owned, pipeline.name(), n));
    }

    /** The {@code sinew.calls} histogram of one outcome ({@link Outcomes} index), for tests. */
    CallHistogram calls(int outcome) {
        return calls[outcome];
    }

    @Override
    public String toString() {
        return "SinewMetrics[" + pipeline.name() + "]";
    }
}
