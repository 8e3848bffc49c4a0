package dev.sinew.micrometer;

import dev.sinew.retry.RetryBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The meters of one retry budget. They read the budget's own totals at scrape time, so a budget
 * shared by several pipelines is counted once, under its own name.
 */
final class BudgetMeters implements MetricsBinding {

    private final OwnedMeters owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BudgetMeters(OwnedMeters owned) {
        this.owned = owned;
    }

    static BudgetMeters bind(MeterRegistry registry, String name, RetryBudget budget) {
        OwnedMeters owned = new OwnedMeters(registry);
        owned.own(Gauge.builder(MeterNames.BUDGET_REMAINING, budget, RetryBudget::remaining)
                .description("Retries the budget would grant right now (tokens)")
                .tag(MeterNames.BUDGET, name)
                .strongReference(true)
                .register(registry));
        owned.own(FunctionCounter.builder(MeterNames.BUDGET_WITHDRAWALS, budget, RetryBudget::granted)
                .description("Retry tokens asked of the budget, by whether it granted them")
                .tag(MeterNames.BUDGET, name)
                .tag(MeterNames.RESULT, "granted")
                .register(registry));
        owned.own(FunctionCounter.builder(MeterNames.BUDGET_WITHDRAWALS, budget, RetryBudget::denied)
                .description("Retry tokens asked of the budget, by whether it granted them")
                .tag(MeterNames.BUDGET, name)
                .tag(MeterNames.RESULT, "denied")
                .register(registry));
        return new BudgetMeters(owned);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            owned.removeAll();
        }
    }
}
