package dev.sinew.shop.diagnose;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Counters over the last minute: 60 one-second slots of {@code width} counters each, reused in a
 * ring. {@link #add} allocates nothing and takes no lock (a slot is recycled with a CAS on its
 * second); a count that races a recycle may be lost, which is fine for a diagnosis.
 */
public final class MinuteWindow {

    static final int SLOTS = 60;

    private final int width;
    private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);
    private final AtomicLongArray counts;
    private final LongSupplier clockMillis;

    public MinuteWindow(int width, LongSupplier clockMillis) {
        this.width = width;
        this.counts = new AtomicLongArray(SLOTS * width);
        this.clockMillis = clockMillis;
        for (int i = 0; i < SLOTS; i++) {
            seconds.set(i, -1);
        }
    }

    /** Adds one to counter {@code index} of the current second. */
    public void add(int index) {
        long second = clockMillis.getAsLong() / 1000;
        int slot = (int) (second % SLOTS);
        long seen = seconds.get(slot);
        if (seen != second && seconds.compareAndSet(slot, seen, second)) {
            for (int i = 0; i < width; i++) {
                counts.set(slot * width + i, 0);
            }
        }
        counts.incrementAndGet(slot * width + index);
    }

    /** Counter {@code index} summed over the last 60 seconds. */
    public long sum(int index) {
        long[] all = sums();
        return all[index];
    }

    /** Every counter summed over the last 60 seconds. */
    public long[] sums() {
        long now = clockMillis.getAsLong() / 1000;
        long[] out = new long[width];
        for (int slot = 0; slot < SLOTS; slot++) {
            long s = seconds.get(slot);
            if (s > now - SLOTS && s <= now) {
                for (int i = 0; i < width; i++) {
                    out[i] += counts.get(slot * width + i);
                }
            }
        }
        return out;
    }
}
