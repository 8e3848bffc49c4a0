package dev.sinew.shop.gameday;

import dev.sinew.shop.load.Route;
import java.time.Duration;

/**
 * One part of an experiment's steady-state hypothesis, judged over its fault window.
 *
 * @param route   the route judged (null for the audit)
 * @param atLeast for SUCCESS and ANSWERED_WITHIN: the lowest acceptable share; for AMPLIFICATION: the
 *                highest acceptable attempts ÷ calls
 * @param bound   for ANSWERED_WITHIN: how fast an answer must come; for P99: the highest p99
 */
record Check(Kind kind, Route route, double atLeast, Duration bound) {

    enum Kind {
        /** the share served (ok or degraded) on a route that does not need the target. */
        SUCCESS,
        /** the share answered (ok, degraded or refused at once) within {@code bound}: a route that needs the target must not hang. */
        ANSWERED_WITHIN,
        /** the route's 99th percentile latency. */
        P99,
        /** the audit after recovery: nothing lost, nothing charged twice, every order settled. */
        AUDIT,
        /** retry amplification toward the target (attempts ÷ calls by its callers' pipelines), at most {@code atLeast}. */
        AMPLIFICATION
    }

    /** Fewest calls toward the target in the fault window for the amplification to be judged. */
    static final long AMPLIFICATION_MIN_CALLS = 20;

    static Check amplification(double atMost) {
        return new Check(Kind.AMPLIFICATION, null, atMost, null);
    }

    static Check success(Route route, double atLeast) {
        return new Check(Kind.SUCCESS, route, atLeast, null);
    }

    static Check answeredWithin(Route route, double atLeast, Duration bound) {
        return new Check(Kind.ANSWERED_WITHIN, route, atLeast, bound);
    }

    static Check p99(Route route, Duration atMost) {
        return new Check(Kind.P99, route, 0, atMost);
    }

    static Check audit() {
        return new Check(Kind.AUDIT, null, 0, null);
    }
}
