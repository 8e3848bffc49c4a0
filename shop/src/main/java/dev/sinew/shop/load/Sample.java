package dev.sinew.shop.load;

/**
 * One request: its route, outcome and HTTP status (-1: no response), when it was meant to be sent
 * (nanoseconds since the run started; status -1: no answer (timeout or connection error), -2: not sent because
 * the client's in-flight bound was reached) and its latency measured from that intended send time, so a
 * stalled server or a full client shows up in the latency instead of hiding (no coordinated omission).
 */
public record Sample(Route route, Outcome outcome, int status, long intendedNanos, long latencyNanos) {

    /** Status of a request not sent because {@link LoadConfig#maxInFlight()} requests were outstanding. */
    public static final int CLIENT_LIMIT = -2;

    public boolean succeeded() {
        return outcome == Outcome.OK || outcome == Outcome.DEGRADED;
    }
}
