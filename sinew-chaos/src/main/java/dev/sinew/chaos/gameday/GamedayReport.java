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
 * @param settings what the run used, in order, e.g. {@code load -> 30 requests/s open loop}
 */
public record GamedayReport(String title, Instant startedAt, double seconds, Map<String, String> settings,
                            List<ExperimentResult> experiments, List<Skipped> skipped, Invariants finalAudit) {

    public GamedayReport {
        Objects.requireNonNull(title, "title");
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        experiments = List.copyOf(experiments);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(finalAudit, "finalAudit");
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
        return (ready() ? "READY" : "NOT READY") + ": " + passed() + " of " + experiments.size()
                + " experiments held their hypothesis; " + audit;
    }
}
