package dev.sinew.chaos.gameday;

import java.util.List;
import java.util.Objects;

/**
 * One experiment of a game day, measured: a baseline window, the fault window, a recovery window.
 *
 * @param name            e.g. {@code payment kill}
 * @param fault           what was done, in words: {@code kill -9}, {@code +2 s latency}, ...
 * @param faultStart      seconds from the experiment's start to the fault (= the baseline window)
 * @param faultSeconds    how long the fault lasted (shorter than planned when aborted)
 * @param totalSeconds    the whole experiment: baseline + fault + recovery
 * @param routes          per route, over the fault window
 * @param timeline        per second over the whole experiment
 * @param detectSeconds   from the fault's start to the first sign the system saw it (null: not seen)
 * @param detectedBy      what saw it first, e.g. {@code gateway: catalog breaker open}
 * @param recoverSeconds  from the fault's end to the first second of a steady stretch back at the
 *                        baseline (null: not within the recovery window)
 * @param amplification   attempts ÷ calls toward the target by its callers' pipelines, over the fault window
 * @param proof           how the fault was shown to have taken effect, or why it was not
 */
public record ExperimentResult(String name, String target, String fault, double faultStart, double faultSeconds,
                               double totalSeconds, List<RouteResult> routes, List<Second> timeline,
                               Double detectSeconds, String detectedBy, Double recoverSeconds, Backlog backlog,
                               Amplification amplification, boolean proofHeld, String proof, Invariants invariants, Verdict verdict) {

    public ExperimentResult {
        Objects.requireNonNull(name, "name");
        routes = List.copyOf(routes);
        timeline = List.copyOf(timeline);
        Objects.requireNonNull(backlog, "backlog");
        amplification = amplification == null ? Amplification.NONE : amplification;
        Objects.requireNonNull(invariants, "invariants");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** The same result under another name (e.g. marked as the naive run's). */
    public ExperimentResult named(String newName) {
        return new ExperimentResult(newName, target, fault, faultStart, faultSeconds, totalSeconds, routes, timeline,
                detectSeconds, detectedBy, recoverSeconds, backlog, amplification, proofHeld, proof, invariants, verdict);
    }

    /** The fault window's total over every route. */
    public RouteResult all() {
        long total = 0;
        long ok = 0;
        long degraded = 0;
        long rejected = 0;
        long failed = 0;
        double p50 = 0;
        double p99 = 0;
        double answered = 0;
        for (RouteResult r : routes) {
            total += r.total();
            ok += r.ok();
            degraded += r.degraded();
            rejected += r.rejected();
            failed += r.failed();
            p50 = Math.max(p50, r.p50Millis());
            p99 = Math.max(p99, r.p99Millis());
            answered += r.answeredWithin() * r.total();
        }
        return new RouteResult("all", false, total, ok, degraded, rejected, failed, p50, p99,
                total == 0 ? 1 : answered / total);
    }
}
