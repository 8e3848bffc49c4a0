package dev.sinew.retry;

/**
 * Marks a failure whose retry the {@link RetryBudget} refused. It is never thrown on its own: the
 * {@link Retry} policy adds its single preallocated, stackless instance as a suppressed exception
 * to the call's own failure, which is thrown unchanged, so a fallback can tell "the downstream
 * failed and we chose not to add load" from an ordinary failure with {@link #presentIn}.
 */
public final class RetryBudgetExhaustedException extends RuntimeException {

    private final String pipeline;
    private final String policy;

    RetryBudgetExhaustedException(String pipeline, String policy) {
        super("pipeline '" + pipeline + "': " + policy + " did not retry: the retry budget is exhausted",
                null, false, false);
        this.pipeline = pipeline;
        this.policy = policy;
    }

    /** The pipeline whose retry was denied. */
    public String pipeline() {
        return pipeline;
    }

    /** The retry policy whose retry was denied. */
    public String policy() {
        return policy;
    }

    /** True if {@code failure} carries a budget-exhausted marker among its suppressed exceptions. */
    public static boolean presentIn(Throwable failure) {
        if (failure == null) {
            return false;
        }
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof RetryBudgetExhaustedException) {
                return true;
            }
        }
        return false;
    }
}
