package dev.sinew.config;

import dev.sinew.retry.RetryBudget;
import dev.sinew.time.Clock;
import java.time.Duration;

/** The validated settings of one retry budget. */
record BudgetPlan(Duration ttl, double percentCanRetry, int minRetriesPerSecond) {

    /** Reads the defaults from a default-built budget, so they are defined in one place. */
    static BudgetPlan defaults() {
        RetryBudget d = RetryBudget.defaults();
        return new BudgetPlan(d.ttl(), d.percentCanRetry(), d.minRetriesPerSecond());
    }

    RetryBudget create(Clock clock) {
        return RetryBudget.builder().ttl(ttl).percentCanRetry(percentCanRetry)
                .minRetriesPerSecond(minRetriesPerSecond).clock(clock).build();
    }

    void applyTo(RetryBudget budget) {
        budget.reconfigure(ttl, percentCanRetry, minRetriesPerSecond);
    }
}
