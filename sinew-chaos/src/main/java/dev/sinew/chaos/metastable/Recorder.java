package dev.sinew.chaos.metastable;

/** Counts per 100 ms of simulated time; single-threaded like the simulation. */
final class Recorder {

    static final long BUCKET_NANOS = 100_000_000L;

    final int[] requests;
    final int[] good;
    final int[] attempts;
    final int[] refused;
    final int[] served;
    final int[] wasted;
    final int[] queue;

    Recorder(int buckets) {
        requests = new int[buckets];
        good = new int[buckets];
        attempts = new int[buckets];
        refused = new int[buckets];
        served = new int[buckets];
        wasted = new int[buckets];
        queue = new int[buckets];
    }

    static int bucket(long nanos) {
        return (int) (nanos / BUCKET_NANOS);
    }

    void request(long now) {
        add(requests, now);
    }

    /** A request issued at {@code issuedAt} succeeded. */
    void good(long issuedAt) {
        add(good, issuedAt);
    }

    void attempt(long now) {
        add(attempts, now);
    }

    void refused(long now) {
        add(refused, now);
    }

    void served(long now, boolean forNobody) {
        add(served, now);
        if (forNobody) {
            add(wasted, now);
        }
    }

    void queue(long now, int length) {
        int b = bucket(now);
        if (b < queue.length) {
            queue[b] = length;
        }
    }

    private static void add(int[] counts, long now) {
        int b = bucket(now);
        if (b < counts.length) {
            counts[b]++;
        }
    }
}
