package dev.sinew.examples;

/** What callers saw during one phase of the demo, and how much load reached the downstream. */
public record PhaseReport(String phase, long calls, long ok, long degraded, long failed, long downstreamAttempts) {

    /** Attempts that reached the downstream per caller call. */
    public double amplification() {
        return calls == 0 ? 0 : (double) downstreamAttempts / calls;
    }

    /** Callers never saw an error. */
    public boolean passed() {
        return failed == 0;
    }
}
