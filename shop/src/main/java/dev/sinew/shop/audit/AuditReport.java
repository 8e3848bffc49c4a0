package dev.sinew.shop.audit;

import java.util.List;
import java.util.Map;

/**
 * What the audit found: counts (orders by status, reservations, charges, ...) and every violated
 * invariant, one human-readable line each (capped per kind; the count says how many in total).
 */
public record AuditReport(Map<String, Long> counts, List<String> violations, long violationCount) {

    /** True when no invariant is violated. */
    public boolean passed() {
        return violationCount == 0;
    }

    /** The report as printed by {@code ./sinew audit}. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(String.format("  %-44s %8d%n", k, v)));
        if (passed()) {
            sb.append("audit passed: every invariant holds\n");
        } else {
            sb.append("audit FAILED: ").append(violationCount).append(" violation(s)\n");
            for (String v : violations) {
                sb.append("  - ").append(v).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
