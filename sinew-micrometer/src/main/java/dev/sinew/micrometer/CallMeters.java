package dev.sinew.micrometer;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.noop.NoopGauge;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the {@code sinew.calls} histograms of one pipeline (one per outcome) in a registry.
 * Micrometer cannot render a histogram it did not record itself, so:
 *
 * <ul>
 *   <li>a {@code PrometheusMeterRegistry} gets the full Prometheus histogram ({@link PrometheusCalls}:
 *       buckets, count, sum, max), named and tagged as Micrometer would name and tag a timer of that
 *       registry: its meter filters (common tags, renames, denials) and naming convention apply;
 *   <li>any other registry gets a {@link FunctionTimer} {@code sinew.calls} (count and total time:
 *       no buckets, no max);
 *   <li>a {@link CompositeMeterRegistry} publishes in each registry it holds at bind time.
 * </ul>
 */
final class CallMeters {

    private static final String DESCRIPTION = "Calls through the whole pipeline, by outcome (fallback answers count as success)";
    private static final boolean PROMETHEUS_PRESENT = present("io.micrometer.prometheusmetrics.PrometheusMeterRegistry");

    private CallMeters() {
    }

    /** Publishes {@code histograms} (indexed by {@link Outcomes}) of {@code pipeline}; {@code owned} takes them back. */
    static void publish(OwnedMeters owned, MeterRegistry registry, String pipeline, CallHistogram[] histograms) {
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry child : composite.getRegistries()) {
                publish(owned, child, pipeline, histograms);
            }
            return;
        }
        boolean prometheus = PROMETHEUS_PRESENT && PrometheusCalls.accepts(registry);
        for (int i = 0; i < histograms.length; i++) {
            CallHistogram h = histograms[i];
            Tags tags = Tags.of(MeterNames.PIPELINE, pipeline, MeterNames.OUTCOME, Outcomes.NAMES[i]);
            if (prometheus) {
                Meter.Id id = mappedId(registry, tags);
                if (id != null) {
                    owned.onRemove(PrometheusCalls.add(registry, id, h));
                }
            } else {
                FunctionTimer t = FunctionTimer.builder(MeterNames.CALLS, h, CallHistogram::count,
                                CallHistogram::sumNanos, TimeUnit.NANOSECONDS)
                        .description(DESCRIPTION).tags(tags).register(registry);
                owned.onRemove(() -> registry.remove(t));
            }
        }
    }

    /**
     * The id a meter {@code sinew.calls} with {@code tags} gets in {@code registry} after its meter
     * filters (common tags added, renames), or null when a filter denies it. Micrometer has no public
     * way to ask, so a probe gauge is registered and removed again.
     */
    private static Meter.Id mappedId(MeterRegistry registry, Tags tags) {
        Gauge probe = Gauge.builder(MeterNames.CALLS, () -> 0).tags(tags).register(registry);
        registry.remove(probe);
        return probe instanceof NoopGauge ? null : probe.getId();
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, CallMeters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
