package dev.sinew.micrometer;

import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.RetryBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds every pipeline of a {@link SinewRegistry}, including those created later, and every retry
 * budget the registry holds when a pipeline is bound.
 */
final class RegistryMetrics implements MetricsBinding {

    private static final Logger log = LoggerFactory.getLogger(RegistryMetrics.class);

    private final MeterRegistry registry;
    private final SinewRegistry sinew;
    // guarded by this
    private final Map<String, MetricsBinding> pipelines = new LinkedHashMap<>();
    private final Map<String, MetricsBinding> budgets = new LinkedHashMap<>();
    private boolean closed;
    private Runnable unwatch = () -> { };

    private RegistryMetrics(MeterRegistry registry, SinewRegistry sinew) {
        this.registry = registry;
        this.sinew = sinew;
    }

    static RegistryMetrics bind(MeterRegistry registry, SinewRegistry sinew) {
        RegistryMetrics m = new RegistryMetrics(registry, sinew);
        Runnable stop = sinew.watchPipelines(m::add);
        synchronized (m) {
            m.unwatch = stop;
        }
        m.addBudgets();
        return m;
    }

    /** Called by the registry for each pipeline, under its lock: must not throw. */
    private synchronized void add(Pipeline p) {
        if (closed || pipelines.containsKey(p.name())) {
            return;
        }
        try {
            pipelines.put(p.name(), SinewMetrics.bind(registry, p));
        } catch (RuntimeException e) {
            log.warn("sinew-micrometer: could not bind pipeline '{}': {}", p.name(), e.toString());
        }
        addBudgets();
    }

    private synchronized void addBudgets() {
        if (closed) {
            return;
        }
        for (Map.Entry<String, RetryBudget> b : sinew.budgets().entrySet()) {
            if (!budgets.containsKey(b.getKey())) {
                try {
                    budgets.put(b.getKey(), BudgetMeters.bind(registry, b.getKey(), b.getValue()));
                } catch (RuntimeException e) {
                    log.warn("sinew-micrometer: could not bind retry budget '{}': {}", b.getKey(), e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        List<MetricsBinding> all;
        Runnable stop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stop = unwatch;
            all = new ArrayList<>(pipelines.values());
            all.addAll(budgets.values());
            pipelines.clear();
            budgets.clear();
        }
        stop.run();
        all.forEach(MetricsBinding::close);
    }
}
