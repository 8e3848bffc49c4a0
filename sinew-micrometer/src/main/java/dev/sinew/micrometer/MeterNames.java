package dev.sinew.micrometer;

/** The meter and tag names of docs/METRICS.md, in one place so code, tests and docs agree. */
final class MeterNames {

    static final String CALLS = "sinew.calls";
    static final String REJECTIONS = "sinew.rejections";
    static final String RETRIES = "sinew.retries";
    static final String TIMEOUTS = "sinew.timeouts";
    static final String FALLBACKS = "sinew.fallbacks";
    static final String BREAKER_STATE = "sinew.breaker.state";
    static final String BREAKER_TRANSITIONS = "sinew.breaker.transitions";
    static final String BREAKER_FAILURE_RATE = "sinew.breaker.failure.rate";
    static final String BREAKER_SLOW_CALL_RATE = "sinew.breaker.slow.call.rate";
    static final String BULKHEAD_IN_FLIGHT = "sinew.bulkhead.in.flight";
    static final String BULKHEAD_LIMIT = "sinew.bulkhead.limit";
    static final String RATELIMITER_PERMITS = "sinew.ratelimiter.available.permits";
    static final String BUDGET_REMAINING = "sinew.budget.remaining";
    static final String BUDGET_WITHDRAWALS = "sinew.budget.withdrawals";
    static final String OUTBOX_LAG_ROWS = "sinew.outbox.lag.rows";
    static final String OUTBOX_LAG_OLDEST = "sinew.outbox.lag.oldest";
    static final String OUTBOX_DEAD_LETTERS = "sinew.outbox.dead.letters";

    static final String PIPELINE = "pipeline";
    static final String POLICY = "policy";
    static final String OUTCOME = "outcome";
    static final String KIND = "kind";
    static final String RESULT = "result";
    static final String CAUSE = "cause";
    static final String STATE = "state";
    static final String FROM = "from";
    static final String TO = "to";
    static final String BUDGET = "budget";

    /** {@code sinew.rejections} kind of a retry the budget refused (there is no RejectionKind for it). */
    static final String BUDGET_EXHAUSTED = "budget_exhausted";

    private MeterNames() {
    }

    /** An enum constant as a tag value: {@code HALF_OPEN} becomes {@code half_open}. */
    static String tag(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
