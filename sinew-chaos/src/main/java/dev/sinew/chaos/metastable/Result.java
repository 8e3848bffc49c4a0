package dev.sinew.chaos.metastable;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What one simulated run measured. Requests are counted in the second they were issued and
 * count as good when the call (retries included) succeeded; attempts are counted when sent.
 */
public final class Result {

    /** A request rate counts as recovered when at least this share of requests succeeds. */
    public static final double RECOVERED_SHARE = 0.95;
    /** ... and keeps doing so, in every 100 ms, for this long. */
    public static final int STABLE_SECONDS = 5;
    private static final int PER_SECOND = 10;

    private final Scenario scenario;
    private final ClientKind kind;
    private final Recorder rec;

    Result(Scenario scenario, ClientKind kind, Recorder rec) {
        this.scenario = scenario;
        this.kind = kind;
        this.rec = rec;
    }

    public Scenario scenario() {
        return scenario;
    }

    public ClientKind kind() {
        return kind;
    }

    /** One line per second of the run. */
    public record Second(int second, int requests, int good, int attempts, int refused, int served, int wasted,
                         int queue) {
        /** Share of this second's requests that succeeded (1 when there were none). */
        public double goodShare() {
            return requests == 0 ? 1.0 : (double) good / requests;
        }
    }

    public List<Second> seconds() {
        List<Second> out = new ArrayList<>();
        for (int s = 0; s < scenario.durationS(); s++) {
            int from = s * PER_SECOND;
            int to = from + PER_SECOND;
            out.add(new Second(s, sum(rec.requests, from, to), sum(rec.good, from, to), sum(rec.attempts, from, to),
                    sum(rec.refused, from, to), sum(rec.served, from, to), sum(rec.wasted, from, to),
                    rec.queue[to - 1]));
        }
        return out;
    }

    public long requests() {
        return sum(rec.requests, 0, rec.requests.length);
    }

    public long attempts() {
        return sum(rec.attempts, 0, rec.attempts.length);
    }

    /** Attempts sent ÷ requests issued over the whole run (drain included). */
    public double amplification() {
        return ratio(attempts(), requests());
    }

    /** Attempts sent ÷ requests issued while the server was frozen. */
    public double amplificationDuringOutage() {
        int from = scenario.outageAtS() * PER_SECOND;
        int to = (scenario.outageAtS() + scenario.outageS()) * PER_SECOND;
        return ratio(sum(rec.attempts, from, to), sum(rec.requests, from, to));
    }

    /** Attempts sent ÷ requests issued from the end of the outage to the end of the run. */
    public double amplificationAfterOutage() {
        int from = (scenario.outageAtS() + scenario.outageS()) * PER_SECOND;
        int to = scenario.durationS() * PER_SECOND;
        return ratio(sum(rec.attempts, from, to), sum(rec.requests, from, to));
    }

    /** Share of requests issued in {@code [fromS, toS)} that succeeded. */
    public double goodShare(int fromS, int toS) {
        int from = fromS * PER_SECOND;
        int to = Math.min(toS, scenario.durationS()) * PER_SECOND;
        return ratio(sum(rec.good, from, to), sum(rec.requests, from, to));
    }

    /** Share of the server's completed work whose client had already given up, over the run. */
    public double wastedShare() {
        return ratio(sum(rec.wasted, 0, rec.wasted.length), sum(rec.served, 0, rec.served.length));
    }

    /**
     * Seconds from the end of the outage until the first 100 ms from which at least 95% of the
     * requests succeed in every 100 ms for the next 5 s; empty when that never happens within the
     * run (the 5 s must fit in it). Resolution 0.1 s.
     */
    public OptionalDouble recoverySeconds() {
        int end = (scenario.outageAtS() + scenario.outageS()) * PER_SECOND;
        int last = scenario.durationS() * PER_SECOND;
        int need = STABLE_SECONDS * PER_SECOND;
        int run = 0;
        for (int b = end; b < last; b++) {
            boolean ok = rec.requests[b] == 0 || rec.good[b] >= RECOVERED_SHARE * rec.requests[b];
            run = ok ? run + 1 : 0;
            if (run == need) {
                return OptionalDouble.of((b - need + 1 - end) / (double) PER_SECOND);
            }
        }
        return OptionalDouble.empty();
    }

    private static int sum(int[] a, int from, int to) {
        int s = 0;
        for (int i = Math.max(0, from); i < Math.min(to, a.length); i++) {
            s += a[i];
        }
        return s;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0.0 : (double) a / b;
    }
}
