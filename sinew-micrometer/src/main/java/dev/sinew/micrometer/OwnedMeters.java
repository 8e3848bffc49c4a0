package dev.sinew.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The meters one binding registered, so that unbinding removes exactly those. Thread-safe. */
final class OwnedMeters {

    private final MeterRegistry registry;
    private final Queue<Runnable> removals = new ConcurrentLinkedQueue<>();

    OwnedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    /** Remembers {@code meter} (just registered in {@link #registry()}) and returns it. */
    <M extends Meter> M own(M meter) {
        removals.add(() -> registry.remove(meter));
        return meter;
    }

    /** Remembers how to take back something published elsewhere than as a meter of {@link #registry()}. */
    void onRemove(Runnable removal) {
        removals.add(removal);
    }

    /** Removes every remembered meter from the registry. */
    void removeAll() {
        for (Runnable r; (r = removals.poll()) != null; ) {
            r.run();
        }
    }
}
