package dev.sinew.pipeline;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread, by the JVM's per-thread counter (shared with other modules' tests). */
public final class Allocation {

    private Allocation() {
    }

    /**
     * Bytes the current thread allocated while running {@code work}: the least of three runs after
     * one warm-up run, so a JIT compilation finishing during a run (code that allocates until the
     * compiler removes the allocation) does not count as the steady state.
     */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() needs Java 19
    public static long measure(Runnable work) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        work.run();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = mx.getThreadAllocatedBytes(id);
            work.run();
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - before);
        }
        return least;
    }
}
