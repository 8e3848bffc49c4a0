package dev.sinew.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The meters one binding registered, so that unbinding removes exactly those. Thread-safe. */
final class OwnedMeters {

    private final MeterRegistry registry;
    private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();

    OwnedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    /** Remembers {@code meter} (just registered in {@link #registry()}) and returns it. */
    <M extends Meter> M own(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Removes every remembered meter from the registry. */
    void removeAll() {
        for (Meter m; (m = meters.poll()) != null; ) {
            registry.remove(m);
        }
    }
}
