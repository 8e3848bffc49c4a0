package dev.sinew.chaos.fault;

import dev.sinew.config.SinewRegistry;
import dev.sinew.retry.RandomSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injection for every pipeline of a {@link SinewRegistry}: one {@link FaultPolicy} per
 * pipeline, placed innermost (next to the call, inside the per-attempt timeout) with
 * {@link SinewRegistry#addInnerPolicy}, so every resilience policy sees the fault as if the
 * downstream caused it. All off until {@link #enable} names a pipeline; a fault enabled for a
 * pipeline not created yet applies once it is.
 */
public final class Faults {

    private final RandomSource random;
    private final Map<String, FaultPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, FaultSpec> wanted = new ConcurrentHashMap<>();

    private Faults(RandomSource random) {
        this.random = random;
    }

    /** Installs fault policies (all off) on every pipeline of {@code registry}, now and later. */
    public static Faults installOn(SinewRegistry registry) {
        return installOn(registry, RandomSource.threadLocal());
    }

    /** Same as {@link #installOn(SinewRegistry)} with the given randomness. */
    public static Faults installOn(SinewRegistry registry, RandomSource random) {
        Faults f = new Faults(Objects.requireNonNull(random, "random"));
        registry.addInnerPolicy(f::policyFor);
        return f;
    }

    private synchronized FaultPolicy policyFor(String pipeline) {
        FaultPolicy p = FaultPolicy.create("fault", random);
        FaultSpec s = wanted.get(pipeline);
        if (s != null) {
            p.enable(s);
        }
        policies.put(pipeline, p);
        return p;
    }

    /** Injects {@code fault} into the calls of {@code pipeline}. */
    public synchronized void enable(String pipeline, FaultSpec fault) {
        Objects.requireNonNull(fault, "fault");
        wanted.put(pipeline, fault);
        FaultPolicy p = policies.get(pipeline);
        if (p != null) {
            p.enable(fault);
        }
    }

    /** Stops injecting into {@code pipeline}. */
    public synchronized void disable(String pipeline) {
        wanted.remove(pipeline);
        FaultPolicy p = policies.get(pipeline);
        if (p != null) {
            p.disable();
        }
    }

    /** Stops every fault; the rollback of an experiment. */
    public synchronized void disableAll() {
        wanted.clear();
        policies.values().forEach(FaultPolicy::disable);
    }

    /** The fault policy of {@code pipeline}, or null if the pipeline does not exist yet. */
    public FaultPolicy policy(String pipeline) {
        return policies.get(pipeline);
    }
}
