package dev.sinew.shop.alerts;

import java.util.List;
import java.util.Set;

/**
 * The Prometheus names of the metrics contract of issue 6 (docs/ALERTS.md, "Metrics used"): what
 * the shop and sinew-micrometer export. Rules and dashboard may read nothing else.
 */
final class MetricContract {

    private static final Set<String> NAMES = Set.of(
            "sinew_calls_seconds_bucket", "sinew_calls_seconds_count", "sinew_calls_seconds_sum",
            "sinew_rejections_total", "sinew_retries_total", "sinew_timeouts_total", "sinew_fallbacks_total",
            "sinew_breaker_state", "sinew_breaker_transitions_total", "sinew_breaker_failure_rate",
            "sinew_breaker_slow_call_rate", "sinew_bulkhead_in_flight", "sinew_bulkhead_limit",
            "sinew_ratelimiter_available_permits", "sinew_budget_remaining", "sinew_budget_withdrawals_total",
            "sinew_outbox_lag_rows", "sinew_outbox_lag_oldest_seconds", "sinew_outbox_dead_letters",
            "shop_reconciliation_unresolved", "shop_orders_awaiting_inventory_oldest_seconds");

    /** Families the contract names with a wildcard (Micrometer's timer series and JVM binders). */
    private static final List<String> PREFIXES = List.of(
            "http_server_requests_seconds_", "shop_jdbc_statements_seconds_",
            "jvm_memory_", "jvm_gc_", "jvm_threads_", "process_");

    private MetricContract() {}

    static boolean allows(String name) {
        return NAMES.contains(name) || PREFIXES.stream().anyMatch(name::startsWith);
    }
}
