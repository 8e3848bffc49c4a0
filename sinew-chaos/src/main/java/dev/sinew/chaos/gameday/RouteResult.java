package dev.sinew.chaos.gameday;

/**
 * What one route saw during a fault window, as users saw it.
 *
 * @param affected       whether the route needs the broken target (then a degraded answer or a fast refusal is fine)
 * @param ok             full answers (2xx)
 * @param degraded       2xx answers with less (fallback, stale data, pending)
 * @param rejected       refused at once (503/429 with Retry-After)
 * @param failed         anything else: errors, no answer, timeouts
 * @param answeredWithin share of requests answered (ok, degraded or rejected) within the bound of the run (1 s by default)
 */
public record RouteResult(String route, boolean affected, long total, long ok, long degraded, long rejected, long failed,
                          double p50Millis, double p99Millis, double answeredWithin) {

    /** (ok + degraded) / total; 1 without requests. */
    public double success() {
        return total == 0 ? 1 : (ok + degraded) / (double) total;
    }
}
