package dev.sinew.shop.audit;

import java.util.List;
import java.util.Map;

/**
 * What the audit found: counts (orders by status, reservations, charges, ...) and every violated
 * invariant, one human-readable line each (capped per kind; the count says how many in total).
 */
public record AuditReport(Map<String, Long> counts, List<String> violations, long violationCount) {

    /** Count key: accepted orders older than the grace period with no inventory outcome (lost work). */
    public static final String LOST_ORDERS = "lost orders (no inventory outcome)";
    /** Count key: orders with more than one successful charge. */
    public static final String DUPLICATE_CHARGES = "orders charged more than once";

    /** Accepted orders past the grace period that inventory never decided. */
    public long lostOrders() {
        return counts.getOrDefault(LOST_ORDERS, 0L);
    }

    /** Orders charged more than once. */
    public long duplicateCharges() {
        return counts.getOrDefault(DUPLICATE_CHARGES, 0L);
    }

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
