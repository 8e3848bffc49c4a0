package dev.sinew.shop.gameday;

import dev.sinew.shop.load.Route;
import java.time.Duration;
import java.util.Set;

/**
 * A hard limit checked every second while the fault is on (over the last settled seconds of load):
 * when breached, the fault is rolled back at once and the experiment is ABORTED.
 *
 * @param routes  the routes measured together (SUCCESS_BELOW, P99_ABOVE)
 * @param success SUCCESS_BELOW: abort when the share served falls under this
 * @param p99     P99_ABOVE: abort when the p99 rises over this
 */
record AbortRule(Kind kind, Set<Route> routes, double success, Duration p99, String label) {

    enum Kind {
        SUCCESS_BELOW,
        P99_ABOVE,
        /** an order charged twice (the only audit finding that cannot be a delay in flight) */
        DUPLICATE_CHARGE
    }
}
