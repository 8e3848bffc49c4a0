package dev.sinew.shop.metrics;

import dev.sinew.config.SinewRegistry;
import dev.sinew.micrometer.MetricsBinding;
import dev.sinew.micrometer.SinewMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One service's meters: a {@link PrometheusMeterRegistry} whose every meter carries the common
 * tags {@code service} and {@code instance} (host:port), the JVM and process binders, and the
 * pipelines of the service's {@link SinewRegistry}. {@link #scrape()} is what {@code GET /metrics}
 * answers.
 */
public final class ServiceMetrics implements AutoCloseable {

    /** The Content-Type of {@link #scrape()}: Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Set<String> LINT_FAILURES = Set.of("process.cpu.time", "system.cpu.count");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> bindings = new ArrayList<>();

    /** A registry tagged {@code service} and {@code instance}, with the JVM and process meters bound. */
    public ServiceMetrics(String service, String instance) {
        registry.config().commonTags("service", service, "instance", instance);
        // two binder meters whose Prometheus names fail `promtool check metrics` (process_cpu_time_ns_total:
        // abbreviated unit; system_cpu_count: _count suffix on a gauge); process_cpu_usage stays
        registry.config().meterFilter(MeterFilter.deny(id -> LINT_FAILURES.contains(id.getName())));
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        bindings.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Binds every pipeline and retry budget of {@code sinew}, now and as they are created. */
    public void bindPipelines(SinewRegistry sinew) {
        MetricsBinding b = SinewMetrics.bind(registry, sinew);
        synchronized (bindings) {
            bindings.add(b);
        }
    }

    /** Keeps {@code binding} to close with the registry (outbox metrics, the reconciliation task). */
    public void own(AutoCloseable binding) {
        synchronized (bindings) {
            bindings.add(binding);
        }
    }

    /** Every meter in Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        synchronized (bindings) {
            for (AutoCloseable b : bindings) {
                try {
                    b.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
            bindings.clear();
        }
        registry.close();
    }
}
