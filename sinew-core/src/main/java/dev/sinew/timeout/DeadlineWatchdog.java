package dev.sinew.timeout;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that enforces every synchronous {@link Timeout} on the system clock: one daemon
 * thread sleeps until the earliest armed deadline and interrupts its owner when it passes.
 *
 * <p><b>No lock on the call path.</b> Each thread reuses one {@link Slot} per nesting level (kept in
 * a thread-local chain and registered once with the watchdog). Arming writes the slot's deadline and
 * publishes it with one volatile write of the slot's state; disarming is one CAS on that state.
 * Callers never write anything shared, so concurrent timed calls do not contend; the global lock of
 * the earlier heap-based design made two threads slower together than one alone.
 *
 * <p><b>Waking the watchdog.</b> Arming wakes the watchdog only when the new deadline is earlier
 * than the moment it sleeps until ({@code wakeAt}). Calls that do not overlap arm ever later
 * deadlines, so the watchdog wakes about once per timeout period, not once per call. The watchdog
 * sweeps the slots, publishes {@code wakeAt}, then sweeps again before it sleeps: an arm either
 * sees the new {@code wakeAt} (and wakes the watchdog if it is earlier) or is seen by the second
 * sweep (both sides write, then read the other's variable: volatile, so one of them sees the other).
 *
 * <p><b>No interrupt leaks.</b> Firing is a CAS from armed to firing, then the interrupt, then
 * fired. Disarming is a CAS from armed to idle; if it fails the deadline fired, and the owner waits
 * out the brief firing step before it clears the interrupt, so the interrupt never lands after the
 * call ended. A state carries the arming's generation, so a sweep that read an older arming's
 * deadline cannot fire a newer one.
 *
 * <p>The registry holds slots of threads that have ended until the next sweep drops them; every
 * 1,024 new slots wake the watchdog for a sweep, so short-lived threads (virtual threads) do not
 * pile up.
 */
final class DeadlineWatchdog {

    /** The watchdog thread's name. */
    static final String THREAD_NAME = "sinew-timeout-watchdog";

    static final DeadlineWatchdog INSTANCE = new DeadlineWatchdog();

    private static final ThreadLocal<Slot> SLOTS = new ThreadLocal<>();

    /** Phases in the low two bits of a slot's state; the arming's generation above them. */
    private static final long IDLE = 0;
    private static final long ARMED = 1;
    private static final long FIRING = 2;
    private static final long FIRED = 3;
    private static final long PHASE = 3;
    private static final long NEXT_GENERATION = 4;
    /** The longest the watchdog sleeps; a later deadline is looked at again after this. */
    private static final long MAX_SLEEP_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int SWEEP_EVERY_NEW_SLOTS = 1024;

    private final ConcurrentLinkedQueue<Slot> slots = new ConcurrentLinkedQueue<>();
    private final AtomicInteger newSlots = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Thread thread;
    /** When the watchdog wakes next (System.nanoTime terms); an earlier deadline must wake it. */
    private volatile long wakeAt;
    /** Times the watchdog thread woke, for tests; written by the watchdog thread only. */
    private volatile long wakeups;

    private DeadlineWatchdog() {
        wakeAt = System.nanoTime(); // not started: the first arm starts it, whatever its deadline
    }

    /** One deadline of one thread at one nesting level; reused for every timed call at that level. */
    static final class Slot {
        final Thread owner;
        /** The slot for a timeout nested inside this one; owner thread only. */
        Slot child;
        /** True while a timed call at this level runs; owner thread only. */
        boolean busy;
        /** Generation of the current arming, shifted above the phase bits; owner thread only. */
        long generation;
        /** Written by the owner before the state that publishes it. */
        long deadline;
        /** {@code generation | phase}. */
        final AtomicLong state = new AtomicLong(IDLE);

        Slot(Thread owner) {
            this.owner = owner;
        }
    }

    /** Arms a deadline (in {@link System#nanoTime()} terms) for the current thread. */
    Slot arm(long deadline) {
        Slot s = SLOTS.get();
        if (s == null) {
            s = register(new Slot(Thread.currentThread()));
            SLOTS.set(s);
        }
        while (s.busy) {
            if (s.child == null) {
                s.child = register(new Slot(s.owner));
            }
            s = s.child;
        }
        s.busy = true;
        s.generation += NEXT_GENERATION;
        s.deadline = deadline;
        s.state.set(s.generation | ARMED); // volatile write, then the volatile read of wakeAt
        if (deadline - wakeAt < 0) {
            wake();
        }
        return s;
    }

    /**
     * Disarms {@code s} after its call ended. Returns true if the deadline had passed; then the
     * interrupt the watchdog set has been cleared.
     */
    boolean disarm(Slot s) {
        long armed = s.generation | ARMED;
        if (s.state.compareAndSet(armed, s.generation | IDLE)) {
            s.busy = false;
            return false;
        }
        while (s.state.get() == (s.generation | FIRING)) {
            Thread.onSpinWait(); // the watchdog is between its CAS and the interrupt: a few hundred ns
        }
        Thread.interrupted(); // the interrupt the watchdog set for this deadline
        s.state.set(s.generation | IDLE);
        s.busy = false;
        return true;
    }

    /** Times the watchdog thread woke (for a deadline, an earlier deadline or a sweep), for tests. */
    long wakeups() {
        return wakeups;
    }

    /** Armed deadlines, for tests. */
    int armed() {
        int n = 0;
        for (Slot s : slots) {
            if ((s.state.get() & PHASE) == ARMED) {
                n++;
            }
        }
        return n;
    }

    /** Registered slots, for tests. */
    int registered() {
        return slots.size();
    }

    private Slot register(Slot s) {
        slots.add(s);
        if (started.compareAndSet(false, true)) {
            Thread t = new Thread(this::loop, THREAD_NAME);
            t.setDaemon(true);
            thread = t;
            t.start();
        } else if (newSlots.incrementAndGet() % SWEEP_EVERY_NEW_SLOTS == 0) {
            wake(); // drop the slots of threads that ended
        }
        return s;
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void loop() {
        while (true) {
            try {
                long now = System.nanoTime();
                long earliest = sweep(now, now + MAX_SLEEP_NANOS);
                wakeAt = earliest;
                // an arm that read the old wakeAt and so did not wake us is seen by this second sweep
                long again = sweep(System.nanoTime(), earliest);
                if (again != earliest) {
                    wakeAt = again;
                }
                long wait = again - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
                wakeups = wakeups + 1;
            } catch (RuntimeException e) {
                // e.g. a security manager refusing the interrupt: keep the other deadlines alive
            }
        }
    }

    /**
     * Fires every armed deadline that has passed, drops the slots of threads that ended, and returns
     * the earliest deadline still armed, or {@code earliest} if none is earlier.
     */
    private long sweep(long now, long earliest) {
        for (Iterator<Slot> it = slots.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            long state = s.state.get();
            if ((state & PHASE) != ARMED) {
                if (!s.owner.isAlive()) {
                    it.remove();
                }
                continue;
            }
            long deadline = s.deadline;
            if (s.state.get() != state) {
                continue; // disarmed (and maybe armed again) meanwhile: that arm checks wakeAt itself
            }
            if (deadline - now <= 0) {
                if (s.state.compareAndSet(state, (state & ~PHASE) | FIRING)) {
                    try {
                        s.owner.interrupt();
                    } finally {
                        s.state.set((state & ~PHASE) | FIRED); // the owner may clear the interrupt now
                    }
                }
            } else if (deadline - earliest < 0) {
                earliest = deadline;
            }
        }
        return earliest;
    }
}
