package dev.sinew.pipeline;

import java.lang.management.ManagementFactory;

/** Measures bytes allocated by the current thread, using the JVM's per-thread allocation counter. */
public final class Allocation {

    private Allocation() {
    }

    /** Bytes the current thread allocated while running {@code work}. */
    public static long measure(Runnable work) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        work.run(); // warm up: first runs load classes and fill caches
        long before = mx.getThreadAllocatedBytes(id);
        work.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
