package dev.sinew.chaos.metastable;

/**
 * One run of the metastability experiment: the server, the load, the trigger and the seed.
 * Immutable; {@link Builder#build()} validates and names the bad key.
 *
 * @param capacity   requests per second the server completes (one at a time, 1/capacity s each)
 * @param load       offered load of first attempts as a fraction of capacity (open loop, Poisson)
 * @param queue      bound of the server's FIFO queue; a full queue refuses at once
 * @param timeoutMs  the client's per-attempt timeout
 * @param outageAtS  when the trigger starts, seconds into the run
 * @param outageS    how long the server is frozen (serves nothing), seconds
 * @param durationS  length of the run, seconds; new requests are issued until then
 * @param seed       seeds the arrivals and the backoff jitter: same seed, same numbers
 */
public record Scenario(int capacity, double load, int queue, int timeoutMs, int outageAtS, int outageS,
                       int durationS, long seed) {

    public static Builder builder() {
        return new Builder();
    }

    public long outageStartNanos() {
        return outageAtS * 1_000_000_000L;
    }

    public long outageEndNanos() {
        return (long) (outageAtS + outageS) * 1_000_000_000L;
    }

    /** Builds a {@link Scenario}; defaults: 1000/s, 0.9, queue 1000 (1 s of work), 500 ms, outage 10 s at 10 s, 60 s, seed 1. */
    public static final class Builder {
        private int capacity = 1000;
        private double load = 0.9;
        private Integer queue;
        private int timeoutMs = 500;
        private int outageAtS = 10;
        private int outageS = 10;
        private int durationS = 60;
        private long seed = 1L;

        public Builder capacity(int v) { capacity = v; return this; }
        public Builder load(double v) { load = v; return this; }
        /** Default: the capacity, i.e. one second of work, twice the default timeout. */
        public Builder queue(int v) { queue = v; return this; }
        public Builder timeoutMs(int v) { timeoutMs = v; return this; }
        public Builder outageAt(int seconds) { outageAtS = seconds; return this; }
        public Builder outage(int seconds) { outageS = seconds; return this; }
        public Builder duration(int seconds) { durationS = seconds; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public Scenario build() {
            require(capacity >= 1 && capacity <= 1_000_000, "capacity", capacity, "an integer from 1 to 1000000 (requests per second)");
            require(load > 0.0 && load <= 2.0, "load", load, "a fraction of capacity above 0 and at most 2 (0.9 = 90%)");
            int q = queue == null ? capacity : queue;
            require(q >= 1 && q <= 10_000_000, "queue", q, "an integer from 1 to 10000000");
            require(timeoutMs >= 1 && timeoutMs <= 600_000, "timeout", timeoutMs, "milliseconds from 1 to 600000");
            require(outageAtS >= 0, "outage-at", outageAtS, "seconds, 0 or more");
            require(outageS >= 0 && outageS <= 3600, "outage", outageS, "seconds from 0 to 3600");
            require(durationS >= 1 && durationS <= 3600, "duration", durationS, "seconds from 1 to 3600");
            require(outageAtS + outageS <= durationS, "outage", outageS,
                    "an outage that ends within the run (outage-at " + outageAtS + " + outage " + outageS + " > duration " + durationS + ")");
            return new Scenario(capacity, load, q, timeoutMs, outageAtS, outageS, durationS, seed);
        }

        private static void require(boolean ok, String key, Object value, String allowed) {
            if (!ok) {
                throw new IllegalArgumentException(key + ": " + value + " is not allowed; use " + allowed);
            }
        }
    }
}
