package dev.sinew.pipeline;

/**
 * The clock reading an observed {@link Pipeline} takes when a call starts, handed to the first
 * timeout of that call so that the timeout arms its deadline without reading the clock again:
 * on a timed call two readings instead of three (a reading next to the pipeline's atomics costs
 * about a third of the bare pipeline).
 *
 * <p>The pipeline hands its reading over only when the policies before the timeout cannot delay
 * the call on its way in ({@link Policy#entersWithoutDelay()}); a policy that may wait anyway (a
 * bulkhead or rate limiter with a {@code max-wait}) calls {@link #stale()} before it waits, and the
 * timeout then reads the clock itself. The reading is taken by at most one timeout and forgotten
 * when the pipeline call returns. The deadline it gives is earlier than one read by the timeout
 * by the time the outer policies took on their way in (tens of nanoseconds).
 *
 * <p>Per thread; the first use on a thread allocates its holder.
 */
public final class CallStart {

    private static final ThreadLocal<CallStart> CURRENT = ThreadLocal.withInitial(CallStart::new);

    private Object owner;
    private long nanos;
    private boolean fresh;

    private CallStart() {
    }

    /**
     * The pipeline: {@code nanos} (a {@link System#nanoTime()} reading) is when the current call
     * started; {@code owner} (the pipeline's {@link dev.sinew.event.Events}) names whose timeout may take it.
     */
    static CallStart begin(Object owner, long nanos) {
        CallStart c = CURRENT.get();
        c.owner = owner;
        c.nanos = nanos;
        c.fresh = true;
        return c;
    }

    /** The pipeline: the call this holder was begun for has returned. */
    void end() {
        fresh = false;
        owner = null;
    }

    /**
     * For a timeout on the system clock: the start reading of the current call of the pipeline
     * whose {@code Events} is {@code owner}, if it was handed over and is still fresh (then it is
     * used up), otherwise {@link System#nanoTime()}. A timeout of another pipeline called from
     * inside that call never gets it.
     */
    public static long takeOrNow(Object owner) {
        CallStart c = CURRENT.get();
        if (c.fresh && c.owner == owner) {
            c.fresh = false;
            return c.nanos;
        }
        return System.nanoTime();
    }

    /** For a policy about to wait on a call's way in: the handed reading no longer means "now". */
    public static void stale() {
        CURRENT.get().fresh = false;
    }
}
