package dev.sinew.chaos.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One chaos experiment as declared in a file, immutable: what must hold (the steady-state
 * hypothesis), what to break and for how long (the method), how to undo it (rollback), when to stop
 * early (abort conditions), and how to tell the fault really took effect (proof).
 */
public record Experiment(String title, List<Probe> hypothesis, List<Fault> method, List<Rollback> rollback,
                         List<Abort> abort, List<Proof> proof) {

    public Experiment {
        Objects.requireNonNull(title, "title");
        hypothesis = List.copyOf(hypothesis);
        method = List.copyOf(method);
        rollback = List.copyOf(rollback);
        abort = List.copyOf(abort);
        proof = List.copyOf(proof);
    }

    /** The longest fault of the method: how long the experiment keeps its target broken. */
    public Duration faultDuration() {
        return method.stream().map(Fault::duration).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /**
     * A steady-state probe.
     *
     * @param route      the route measured ({@code null} for the audit)
     * @param minSuccess for {@code success}: the lowest acceptable share, 0 to 1
     * @param maxP99     for {@code p99}: the highest acceptable 99th percentile
     */
    public record Probe(ProbeKind kind, String route, Double minSuccess, Duration maxP99) {
    }

    /**
     * One fault of the method.
     *
     * @param latency for {@code latency}: the delay added
     * @param rate    for {@code error-rate}: the share of calls failed, 0 to 1
     */
    public record Fault(FaultKind kind, String target, Duration duration, Duration latency, Double rate) {
    }

    /** One rollback step. */
    public record Rollback(RollbackAction action, String target) {
    }

    /**
     * A hard limit: when breached the experiment stops early and rolls back.
     *
     * @param success for {@code success-below}: the share under which to abort
     * @param p99     for {@code p99-above}: the latency over which to abort
     */
    public record Abort(AbortKind kind, String route, Double success, Duration p99) {
    }

    /** A check that the fault took effect on {@code target} within {@code within} of its start. */
    public record Proof(ProofKind kind, String target, Duration within) {
    }
}
