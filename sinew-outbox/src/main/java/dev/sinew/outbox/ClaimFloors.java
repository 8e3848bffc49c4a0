package dev.sinew.outbox;

import java.util.ArrayDeque;

/**
 * Where a relay may start its claim scan in each partition: an id below which every row is already
 * sent, except rows of transactions that committed late. Used by one relay thread only.
 *
 * <p><b>Why.</b> A row marked sent leaves a dead entry at the front of the claim index until VACUUM
 * (PostgreSQL) removes it; a claim that starts at the beginning of the partition walks all of them,
 * and at 1,000 msg/s that walk grows to tens of milliseconds within a minute. Starting at a floor
 * skips them.
 *
 * <p><b>Why it is safe.</b> A claim that left a partition drained proves that every row of that
 * partition committed at that moment, with an id up to the table's highest id read just before, is
 * sent (a full batch proves it up to the last id it took). Such a proof only becomes a floor
 * {@code late-commit-window} after it was made. A row whose transaction took its id before the proof
 * but committed after it is still above every floor in use until its id is older than the window,
 * so the first claim after its commit finds it, as long as its transaction lasted less than the
 * window (minus a poll interval). Rows of longer transactions are found by a sweep, a claim without
 * floors, every {@code sweep-interval}; a sweep whose batch was full continues until one is not.
 * A partition this relay gains starts again from no floor.
 */
final class ClaimFloors {

    private record Mark(long atMs, long[] floors) {
    }

    private final long windowMs;
    private final long markEveryMs;
    private final long sweepMs;
    private final long[] proven;
    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private Mark usable;
    private long lastMarkMs;
    private long nextSweepMs;
    private boolean sweeping;

    ClaimFloors(int partitions, long windowMs, long sweepMs, long nowMs) {
        this.windowMs = windowMs;
        this.markEveryMs = Math.max(1, windowMs / 4);
        this.sweepMs = sweepMs;
        this.proven = new long[partitions];
        this.lastMarkMs = nowMs - markEveryMs;
        this.nextSweepMs = nowMs + sweepMs;
    }

    /** True if the next claim must ignore the floors (a sweep is due or not finished). */
    boolean sweepDue(long nowMs) {
        if (!sweeping && nowMs - nextSweepMs >= 0) {
            sweeping = true;
        }
        return sweeping;
    }

    /** A sweep claim ended; {@code full}: its batch was full, so rows below the floors may remain. */
    void swept(boolean full, long nowMs) {
        if (!full) {
            sweeping = false;
            nextSweepMs = nowMs + sweepMs;
        }
    }

    /** The id above which a claim of {@code partition} must look: 0 means from the start. */
    long floor(int partition, long nowMs) {
        while (!marks.isEmpty() && nowMs - marks.peekFirst().atMs() >= windowMs) {
            usable = marks.pollFirst();
        }
        return usable == null ? 0 : usable.floors()[partition];
    }

    /** The lowest floor of these partitions: where a probe over all of them may start. */
    long lowestFloor(Iterable<Integer> partitions, long nowMs) {
        long min = Long.MAX_VALUE;
        for (int p : partitions) {
            min = Math.min(min, floor(p, nowMs));
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    /**
     * Records, after the claiming transaction committed, that every row of {@code partition} with an
     * id up to {@code throughId} that was committed when the claim ran is sent. Call
     * {@link #settle} after the claim's last proof.
     */
    void proven(int partition, long throughId) {
        if (throughId > proven[partition]) {
            proven[partition] = throughId;
        }
    }

    /** Takes a snapshot of the proofs so far, at most four times per window, to become floors later. */
    void settle(long nowMs) {
        if (nowMs - lastMarkMs >= markEveryMs) {
            marks.addLast(new Mark(nowMs, proven.clone()));
            lastMarkMs = nowMs;
        }
    }

    /** Forgets every proof for {@code partition} (this relay just gained it). */
    void reset(int partition) {
        proven[partition] = 0;
        for (Mark m : marks) {
            m.floors()[partition] = 0;
        }
        if (usable != null) {
            usable.floors()[partition] = 0;
        }
    }
}
