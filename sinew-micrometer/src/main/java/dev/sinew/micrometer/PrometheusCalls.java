package dev.sinew.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes {@code sinew.calls} histograms of a {@link PrometheusMeterRegistry} as one Prometheus
 * histogram family in its {@link PrometheusRegistry}: {@code sinew_calls_seconds_bucket}, {@code _count},
 * {@code _sum} and the gauge {@code sinew_calls_seconds_max}, the series a Micrometer timer with the
 * same buckets renders. One collector per registry and family name holds the series of every
 * bound pipeline (Prometheus allows one collector per name).
 *
 * <p>Each series' name and labels come from a Micrometer id that went through the registry's meter
 * filters (common tags, renames) and naming convention, so {@code service} and {@code instance} common
 * tags apply as to any meter. Loaded only when a Prometheus registry is bound, so Micrometer's
 * Prometheus module stays optional.
 */
final class PrometheusCalls implements MultiCollector {

    private static final String HELP = "Calls through the whole pipeline, by outcome (fallback answers count as success)";
    private static final Map<PrometheusMeterRegistry, Map<String, PrometheusCalls>> COLLECTORS = new WeakHashMap<>();

    private final PrometheusRegistry prometheus;
    private final String name;
    private final List<String> labelNames;
    private final double[] upperBoundsSeconds;
    private final List<Series> series = new CopyOnWriteArrayList<>();
    private final Clock clock;

    private record Series(Labels labels, CallHistogram histogram, long createdMillis) {
    }

    private PrometheusCalls(PrometheusMeterRegistry registry, String name, List<String> labelNames, long[] boundsNanos) {
        this.prometheus = registry.getPrometheusRegistry();
        this.clock = registry.config().clock();
        this.name = name;
        this.labelNames = labelNames;
        this.upperBoundsSeconds = new double[boundsNanos.length + 1];
        for (int i = 0; i < boundsNanos.length; i++) {
            upperBoundsSeconds[i] = boundsNanos[i] / 1e9;
        }
        upperBoundsSeconds[boundsNanos.length] = Double.POSITIVE_INFINITY;
    }

    static boolean accepts(MeterRegistry registry) {
        return registry instanceof PrometheusMeterRegistry;
    }

    /**
     * Adds the series of {@code histogram} named and labelled after {@code id} (an id mapped by the
     * registry's filters); returns what removes it again.
     */
    static Runnable add(MeterRegistry meterRegistry, Meter.Id id, CallHistogram histogram) {
        PrometheusMeterRegistry registry = (PrometheusMeterRegistry) meterRegistry;
        NamingConvention naming = registry.config().namingConvention();
        String name = naming.name(id.getName(), Meter.Type.TIMER, id.getBaseUnit());
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Tag t : id.getTagsAsIterable()) {
            keys.add(naming.tagKey(t.getKey()));
            values.add(naming.tagValue(t.getValue()));
        }
        Series s = new Series(Labels.of(keys, values), histogram, registry.config().clock().wallTime());
        PrometheusCalls collector;
        synchronized (COLLECTORS) {
            collector = COLLECTORS.computeIfAbsent(registry, r -> new HashMap<>())
                    .computeIfAbsent(name, n -> new PrometheusCalls(registry, n, List.copyOf(keys), histogram.boundsNanos()));
            for (Series other : collector.series) {
                if (other.labels.equals(s.labels)) {
                    throw new IllegalStateException(name + s.labels + " is already published in this registry:"
                            + " bind a pipeline once per registry");
                }
            }
            boolean first = collector.series.isEmpty();
            collector.series.add(s);
            if (first) {
                try {
                    collector.prometheus.register(collector);
                } catch (RuntimeException e) {
                    collector.series.remove(s);
                    COLLECTORS.get(registry).remove(name);
                    throw new IllegalStateException("cannot publish " + name + " in the Prometheus registry: " + e.getMessage(), e);
                }
            }
        }
        PrometheusCalls c = collector;
        return () -> c.remove(registry, s);
    }

    private void remove(PrometheusMeterRegistry registry, Series s) {
        synchronized (COLLECTORS) {
            if (series.remove(s) && series.isEmpty()) {
                prometheus.unregister(this);
                Map<String, PrometheusCalls> byName = COLLECTORS.get(registry);
                if (byName != null) {
                    byName.remove(name);
                }
            }
        }
    }

    @Override
    public MetricSnapshots collect() {
        long now = clock.wallTime();
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>(series.size());
        List<GaugeSnapshot.GaugeDataPointSnapshot> maxima = new ArrayList<>(series.size());
        for (Series s : series) {
            long[] counts = s.histogram.bucketCounts();
            double sum = s.histogram.sumNanos() / 1e9;
            points.add(new HistogramSnapshot.HistogramDataPointSnapshot(
                    ClassicHistogramBuckets.of(upperBoundsSeconds, counts), sum, s.labels, Exemplars.EMPTY, s.createdMillis));
            maxima.add(new GaugeSnapshot.GaugeDataPointSnapshot(s.histogram.max(now) / 1e9, s.labels, null));
        }
        return new MetricSnapshots(
                new HistogramSnapshot(new MetricMetadata(name, HELP), points),
                new GaugeSnapshot(new MetricMetadata(name + "_max", HELP), maxima));
    }

    @Override
    public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
        return List.of(
                MetricFamilyDescriptor.of(MetricType.HISTOGRAM, new MetricMetadata(name, HELP), labelNames),
                MetricFamilyDescriptor.of(MetricType.GAUGE, new MetricMetadata(name + "_max", HELP), labelNames));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(name, name + "_max");
    }
}
