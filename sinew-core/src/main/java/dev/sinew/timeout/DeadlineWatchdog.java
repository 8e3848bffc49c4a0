package dev.sinew.timeout;

import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that enforces every synchronous {@link Timeout} on the system clock: a binary
 * min-heap of deadlines, one daemon thread waiting for the earliest, interrupting its owner when
 * it passes. Arming and disarming take a short lock and allocate nothing once a thread has its
 * slot: each thread reuses one {@link Slot} per nesting level, kept in a thread-local chain.
 *
 * <p>Firing (the watchdog marks a slot fired and interrupts its owner) and disarming (the owner
 * removes its slot after the call) happen under the same lock, so they cannot overlap: either the
 * owner sees {@code fired} and clears the interrupt the watchdog set, or the watchdog never
 * touches the owner. No interrupt leaks past the end of a timed call.
 *
 * <p>A {@link ReentrantLock} rather than {@code synchronized}, so that virtual threads do not pin
 * their carrier while arming or disarming.
 *
 * <p>Arming wakes the watchdog only when the new deadline is earlier than the moment it already
 * sleeps until. Calls that do not overlap (one caller, same timeout) arm ever later deadlines, so
 * the watchdog wakes about once per timeout period instead of once per call; disarming never wakes
 * it (it finds the heap changed when it wakes).
 */
final class DeadlineWatchdog {

    /** The watchdog thread's name. */
    static final String THREAD_NAME = "sinew-timeout-watchdog";

    static final DeadlineWatchdog INSTANCE = new DeadlineWatchdog();

    private static final ThreadLocal<Slot> SLOTS = new ThreadLocal<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition earliestChanged = lock.newCondition();
    private Slot[] heap = new Slot[64];
    private int size;
    private Thread thread;
    /** When the watchdog thread wakes next; meaningful only while {@link #sleepsUntilSignalled} is false. */
    private long wakeAt;
    /** The watchdog waits without a deadline (nothing armed), or has not started. */
    private boolean sleepsUntilSignalled = true;
    /** Times the watchdog thread woke, for tests. */
    private long wakeups;

    private DeadlineWatchdog() {
    }

    /** One deadline of one thread at one nesting level; reused for every timed call at that level. */
    static final class Slot {
        final Thread owner;
        /** The slot for a timeout nested inside this one; owner thread only. */
        Slot child;
        /** True while a timed call at this level runs; owner thread only. */
        boolean busy;
        /** Guarded by the watchdog lock. */
        long deadline;
        /** Position in the heap, -1 when not armed; guarded by the watchdog lock. */
        int index = -1;
        /** The deadline passed and the owner was interrupted; guarded by the watchdog lock. */
        boolean fired;

        Slot(Thread owner) {
            this.owner = owner;
        }
    }

    /** Arms a deadline (in {@link System#nanoTime()} terms) for the current thread. */
    Slot arm(long deadline) {
        Slot s = SLOTS.get();
        if (s == null) {
            s = new Slot(Thread.currentThread());
            SLOTS.set(s);
        }
        while (s.busy) {
            if (s.child == null) {
                s.child = new Slot(s.owner);
            }
            s = s.child;
        }
        s.busy = true;
        lock.lock();
        try {
            s.deadline = deadline;
            s.fired = false;
            add(s);
            if (s.index == 0) {
                if (thread == null) {
                    start();
                }
                if (sleepsUntilSignalled || deadline - wakeAt < 0) {
                    earliestChanged.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        return s;
    }

    /**
     * Disarms {@code s} after its call ended. Returns true if the deadline had passed; then the
     * interrupt the watchdog set has been cleared.
     */
    boolean disarm(Slot s) {
        boolean fired;
        lock.lock();
        try {
            fired = s.fired;
            if (fired) {
                s.fired = false;
                // cleared under the lock: the watchdog interrupts only under it, so this is ours
                Thread.interrupted();
            } else {
                removeAt(s.index);
            }
        } finally {
            lock.unlock();
        }
        s.busy = false;
        return fired;
    }

    /** Times the watchdog thread woke (signalled, timed out or spuriously), for tests. */
    long wakeups() {
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    /** Armed deadlines, for tests. */
    int armed() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        Thread t = new Thread(this::loop, THREAD_NAME);
        t.setDaemon(true);
        t.start();
        thread = t;
    }

    private void loop() {
        lock.lock();
        try {
            while (true) {
                try {
                    if (size == 0) {
                        sleepsUntilSignalled = true;
                        earliestChanged.await();
                        wakeups++;
                        continue;
                    }
                    Slot top = heap[0];
                    long wait = top.deadline - System.nanoTime();
                    if (wait <= 0) {
                        removeAt(0);
                        top.fired = true;
                        top.owner.interrupt();
                    } else {
                        sleepsUntilSignalled = false;
                        wakeAt = top.deadline;
                        earliestChanged.awaitNanos(wait);
                        wakeups++;
                    }
                } catch (InterruptedException ignored) {
                    // nobody should interrupt the watchdog; keep watching
                } catch (RuntimeException e) {
                    // e.g. a security manager refusing the interrupt: keep the other deadlines alive
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- binary min-heap on deadline; callers hold the lock ----

    private void add(Slot s) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        heap[i] = s;
        s.index = i;
        siftUp(i);
    }

    private void removeAt(int i) {
        Slot removed = heap[i];
        int last = --size;
        Slot moved = heap[last];
        heap[last] = null;
        removed.index = -1;
        if (i != last) {
            heap[i] = moved;
            moved.index = i;
            siftDown(i);
            if (moved.index == i) {
                siftUp(i);
            }
        }
    }

    private void siftUp(int i) {
        Slot s = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Slot p = heap[parent];
            if (p.deadline - s.deadline <= 0) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = s;
        s.index = i;
    }

    private void siftDown(int i) {
        Slot s = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Slot c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadline - c.deadline < 0) {
                child = right;
                c = heap[child];
            }
            if (s.deadline - c.deadline <= 0) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = s;
        s.index = i;
    }
}
