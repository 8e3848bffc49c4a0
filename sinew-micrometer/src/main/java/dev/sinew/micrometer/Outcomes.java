package dev.sinew.micrometer;

import dev.sinew.pipeline.ContractViolationException;
import dev.sinew.pipeline.RejectedException;

/**
 * The {@code outcome} tag of {@code sinew.calls}: a failure is {@code rejected} when a policy
 * refused the call, {@code contract_error} when the downstream's answer did not parse or validate,
 * and {@code failure} otherwise. Looks a bounded number of causes deep, so a cyclic or absurdly
 * long cause chain costs nothing more.
 */
final class Outcomes {

    static final int SUCCESS = 0;
    static final int FAILURE = 1;
    static final int REJECTED = 2;
    static final int CONTRACT_ERROR = 3;
    /** Tag values, indexed by the constants above. */
    static final String[] NAMES = {"success", "failure", "rejected", "contract_error"};

    /** How many links of the cause chain are examined, the failure itself included. */
    static final int MAX_DEPTH = 8;

    private Outcomes() {
    }

    /** The outcome of a failure; {@code error} is null for a result the classifier counted as failed. */
    static int ofFailure(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
            if (t instanceof RejectedException) {
                return REJECTED;
            }
            if (t instanceof ContractViolationException) {
                return CONTRACT_ERROR;
            }
            Throwable cause = t.getCause();
            if (cause == t) {
                break;
            }
            t = cause;
        }
        return FAILURE;
    }
}
