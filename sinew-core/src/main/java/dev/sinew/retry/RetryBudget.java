package dev.sinew.retry;

import dev.sinew.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket that limits retries to one downstream, shared by every {@link Retry} policy that
 * calls it (even across pipelines), modelled on Finagle's {@code RetryBudget}.
 *
 * <p><b>The rule.</b> Within a sliding window of {@code ttl}, retries may be at most
 * {@code percentCanRetry}% of the calls' first attempts plus a floor of
 * {@code minRetriesPerSecond * ttl} retries. Each first attempt {@link #deposit deposits}
 * {@code percentCanRetry / 100} of a token; each retry {@link #tryWithdraw withdraws} one token.
 * Deposits and withdrawals both expire after the window, so spent retries stop counting and unused
 * credit does not pile up.
 *
 * <p><b>Defaults</b> ({@link #defaults()}): ttl 10 s, 20%, 10 retries per second — Finagle's. With
 * them a downstream that fails every call sees at most about 1.2× its normal load (every call plus
 * one retry for every fifth call), instead of the 3× that three attempts per call would produce,
 * while a quiet downstream (under ~50 calls/s) can still have every failure retried thanks to the
 * floor of 100 retries per 10 s.
 *
 * <p><b>Cost and the approximation.</b> {@link #deposit()} is on every call's hot path: it is one
 * atomic increment and reads no clock. Every 64th deposit tries (without waiting) to attribute the
 * counted deposits to the current time slot; withdrawals and the metric getters do the same. Deposits
 * are credited to the time of the last clock reading <em>before</em> them, never later than they
 * happened, so a deposit's credit can expire early (by up to one flush interval) but never late:
 * the approximation only ever errs towards fewer retries. At low call rates (fewer than about 64
 * calls per window) some percentage credit is lost this way, where the floor dominates anyway.
 * The window moves in steps of {@code ttl / 10}: an entry lives between {@code ttl} and
 * {@code 1.1 × ttl}.
 *
 * <p><b>Never overspent.</b> A withdrawal must see the window's expiry, the deposits counted so far
 * and the withdrawals of other threads as one consistent state; that is a multi-word update a
 * single CAS cannot make exact. So withdrawals (and the attribution of deposits to time slots) run
 * under a {@link ReentrantLock} that is held only for a few arithmetic steps and never around
 * blocking, which keeps it cheap and safe for virtual threads. Withdrawals only happen after a
 * failed attempt, so the lock is off the success path. Deposits never wait for it: they use
 * {@code tryLock} and leave the attribution to the next holder if it is busy. Concurrent
 * withdrawals therefore never take more tokens than the balance holds at the moment each one
 * decides.
 */
public final class RetryBudget {

    /** Token units per retry; deposits are fractions of it (percent resolution 0.01%). */
    static final long COST = 10_000L;
    private static final int SLOTS = 10;
    private static final int RING = SLOTS + 1;
    private static final long FLUSH_MASK = 63L;

    private final Clock clock;
    /** Deposit counters striped by thread, each on its own cache line, so callers don't contend. */
    private static final int STRIPES = 8;
    private static final int STRIPE_STRIDE = 16;
    private final AtomicLongArray deposits = new AtomicLongArray(STRIPES * STRIPE_STRIDE);
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Settings settings;

    // guarded by lock
    private final long[] slots = new long[RING];
    private final long origin;
    private long liveNet;
    private long epoch;
    private long flushedDeposits;
    private volatile long granted;
    private volatile long denied;

    private RetryBudget(Builder b) {
        this.clock = b.clock;
        this.settings = Settings.of(b.ttl, b.percentCanRetry, b.minRetriesPerSecond);
        this.origin = clock.nanoTime();
    }

    /** Starts a budget; unset values take the defaults (10 s, 20%, 10 per second, system clock). */
    public static Builder builder() {
        return new Builder();
    }

    /** A new budget with Finagle's defaults: ttl 10 s, 20% of calls, at least 10 retries per second. */
    public static RetryBudget defaults() {
        return builder().build();
    }

    /**
     * Records one call's first attempt. Lock-free and clock-free on all but every 64th call of a
     * thread's stripe, which tries (without waiting) to file the counted deposits under the current
     * time slot. Threads count on separate stripes, so concurrent callers do not contend.
     */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() needs Java 19
    public void deposit() {
        int stripe = ((int) Thread.currentThread().getId() & (STRIPES - 1)) * STRIPE_STRIDE;
        long n = deposits.incrementAndGet(stripe);
        if ((n & FLUSH_MASK) == 0 && lock.tryLock()) {
            try {
                flush(clock.nanoTime());
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes one retry token; false when the budget is spent (the retry must not happen). */
    public boolean tryWithdraw() {
        lock.lock();
        try {
            flush(clock.nanoTime());
            if (settings.reserve + liveNet >= COST) {
                slots[index(epoch)] -= COST;
                liveNet -= COST;
                granted++;
                return true;
            }
            denied++;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** How many retries could be taken right now; for metrics. */
    public long remaining() {
        lock.lock();
        try {
            flush(clock.nanoTime());
            return Math.max(0L, (settings.reserve + liveNet) / COST);
        } finally {
            lock.unlock();
        }
    }

    /** Total first attempts deposited since creation. */
    public long deposits() {
        long sum = 0;
        for (int i = 0; i < STRIPES; i++) {
            sum += deposits.get(i * STRIPE_STRIDE);
        }
        return sum;
    }

    /** Total retries granted since creation. */
    public long granted() {
        return granted;
    }

    /** Total retries denied since creation. */
    public long denied() {
        return denied;
    }

    public Duration ttl() {
        return settings.ttl;
    }

    public double percentCanRetry() {
        return settings.percent;
    }

    public int minRetriesPerSecond() {
        return settings.minPerSecond;
    }

    /**
     * Applies new limits live, keeping the tokens: the balance at this moment carries over and
     * expires as one block after the new ttl; new deposits earn the new percentage and the floor
     * becomes {@code minRetriesPerSecond * ttl}. Validation as in {@link Builder#build()}.
     */
    public void reconfigure(Duration ttl, double percentCanRetry, int minRetriesPerSecond) {
        Settings next = Settings.of(ttl, percentCanRetry, minRetriesPerSecond);
        lock.lock();
        try {
            long now = clock.nanoTime();
            flush(now);
            long carried = liveNet;
            java.util.Arrays.fill(slots, 0L);
            settings = next;
            epoch = Math.max(0L, (now - origin) / next.slotNanos);
            slots[index(epoch)] = carried;
        } finally {
            lock.unlock();
        }
    }

    /** Files the deposits counted since the last flush and moves the window to {@code now}. Under lock. */
    private void flush(long now) {
        Settings s = settings;
        long total = deposits(); // read after the clock: later deposits happened after `now`
        long pending = total - flushedDeposits;
        flushedDeposits = total;
        if (pending != 0) {
            // credited to the last clock reading, which preceded them: credit never outlives its window
            long credit = pending * s.credit;
            slots[index(epoch)] += credit;
            liveNet += credit;
        }
        long target = (now - origin) / s.slotNanos;
        if (target > epoch) {
            long steps = Math.min(RING, target - epoch);
            for (long e = epoch + 1; e <= epoch + steps; e++) {
                int i = index(e);
                liveNet -= slots[i];
                slots[i] = 0L;
            }
            epoch = target;
        }
    }

    private static int index(long epoch) {
        return (int) (epoch % RING);
    }

    @Override
    public String toString() {
        Settings s = settings;
        return "RetryBudget[ttl=" + Checks.format(s.ttl) + ", percent-can-retry=" + s.percent
                + ", min-retries-per-second=" + s.minPerSecond + "]";
    }

    /** Validated limits and the token amounts derived from them. */
    private static final class Settings {
        final Duration ttl;
        final double percent;
        final int minPerSecond;
        final long slotNanos;
        final long credit;
        final long reserve;

        private Settings(Duration ttl, double percent, int minPerSecond) {
            this.ttl = ttl;
            this.percent = percent;
            this.minPerSecond = minPerSecond;
            long ttlNanos = ttl.toNanos();
            this.slotNanos = Math.max(1L, (ttlNanos + SLOTS - 1) / SLOTS);
            this.credit = Math.round(percent * COST / 100.0);
            this.reserve = minPerSecond * ttlNanos / 1_000_000_000L * COST;
        }

        static Settings of(Duration ttl, double percent, int minPerSecond) {
            if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofSeconds(60)) > 0) {
                throw Checks.bad("ttl", Checks.format(ttl), "a duration from 1s to 60s");
            }
            if (!(percent >= 0.0 && percent <= 1000.0)) {
                throw Checks.bad("percent-can-retry", percent, "a number from 0 to 1000");
            }
            if (minPerSecond < 0 || minPerSecond > 1_000_000) {
                throw Checks.bad("min-retries-per-second", minPerSecond, "an integer from 0 to 1000000");
            }
            return new Settings(ttl, percent, minPerSecond);
        }
    }

    /** Builds a {@link RetryBudget}. */
    public static final class Builder {
        private Duration ttl = Duration.ofSeconds(10);
        private double percentCanRetry = 20.0;
        private int minRetriesPerSecond = 10;
        private Clock clock = Clock.system();

        private Builder() {
        }

        /** The window over which deposits and withdrawals count, 1 s to 60 s. Default 10 s. */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** Retries allowed as a percentage of first attempts, 0 to 1000. Default 20. */
        public Builder percentCanRetry(double percent) {
            this.percentCanRetry = percent;
            return this;
        }

        /** The floor: retries per second allowed regardless of traffic, 0 or more. Default 10. */
        public Builder minRetriesPerSecond(int perSecond) {
            this.minRetriesPerSecond = perSecond;
            return this;
        }

        /** The clock; tests pass a {@code TestClock}. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Validates and builds; a bad value fails naming its key, e.g. {@code ttl: 0s is not allowed; ...}. */
        public RetryBudget build() {
            Settings.of(ttl, percentCanRetry, minRetriesPerSecond);
            return new RetryBudget(this);
        }
    }
}
