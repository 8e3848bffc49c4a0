package dev.sinew.chaos.gameday;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole game day: every experiment measured, the combinations skipped and why, the final audit
 * after the load stopped, and the settings it ran with. {@link #ready()} is the answer to "are we ready?".
 *
 * @param settings   what the run used, in order, e.g. {@code load -> 30 requests/s open loop}
 * @param comparison the same suite against naive clients (comparison mode), in the same order; empty otherwise
 */
public record GamedayReport(String title, Instant startedAt, double seconds, Map<String, String> settings,
                            List<ExperimentResult> experiments, List<Skipped> skipped, Invariants finalAudit,
                            List<ExperimentResult> comparison) {

    public GamedayReport {
        Objects.requireNonNull(title, "title");
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        experiments = List.copyOf(experiments);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(finalAudit, "finalAudit");
        comparison = List.copyOf(comparison);
    }

    /** A report without a comparison. */
    public GamedayReport(String title, Instant startedAt, double seconds, Map<String, String> settings,
                         List<ExperimentResult> experiments, List<Skipped> skipped, Invariants finalAudit) {
        this(title, startedAt, seconds, settings, experiments, skipped, finalAudit, List.of());
    }

    /** This report with the results of the same suite against naive clients beside it. */
    public GamedayReport withComparison(List<ExperimentResult> naive, double totalSeconds) {
        return new GamedayReport(title, startedAt, totalSeconds, settings, experiments, skipped, finalAudit, naive);
    }

    /** True when every experiment passed and the final audit found nothing lost or doubled. */
    public boolean ready() {
        return !experiments.isEmpty() && experiments.stream().allMatch(e -> e.verdict().passed()) && finalAudit.passed();
    }

    /** How many experiments passed. */
    public long passed() {
        return experiments.stream().filter(e -> e.verdict().passed()).count();
    }

    /** One line: READY / NOT READY with the counts. */
    public String summary() {
        String audit = finalAudit.checked()
                ? (finalAudit.passed() ? "final audit passed" : "final audit FAILED (" + finalAudit.violations()
                        + " violations, " + finalAudit.lostOrders() + " lost orders, " + finalAudit.duplicateCharges()
                        + " duplicate charges)")
                : "final audit not run: " + finalAudit.note();
        String naive = comparison.isEmpty() ? "" : "; naive clients: " + comparison.stream().filter(e -> e.verdict().passed()).count()
                + " of " + comparison.size() + " held";
        return (ready() ? "READY" : "NOT READY") + ": " + passed() + " of " + experiments.size()
                + " experiments held their hypothesis; " + audit + naive;
    }
}
