package dev.sinew.shop.launcher;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a service process when the launcher that started it is gone, even after {@code kill -9} of
 * the launcher (when no shutdown hook runs): the launcher holds the child's standard input as a pipe
 * and never writes to it; when the launcher dies the operating system closes the pipe, this watchdog
 * reads end-of-file and halts the JVM. Same scheme as {@code KafkaBrokerMain}.
 *
 * <p>Only active with {@code -Dsinew.shop.parent-watchdog=true}, which {@link Shop} passes: a service
 * started by hand from a terminal must not die when its standard input is closed.
 */
public final class ParentWatchdog {

    /** The system property that turns the watchdog on. */
    public static final String PROPERTY = "sinew.shop.parent-watchdog";

    private ParentWatchdog() {
    }

    /** Starts the watchdog thread if {@value #PROPERTY} is true; otherwise does nothing. */
    public static void installIfRequested() {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        Thread t = new Thread(ParentWatchdog::watch, "sinew-parent-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private static void watch() {
        InputStream in = System.in;
        byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; ignore anything that arrives
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file
        }
        System.err.println("[sinew] launcher gone: stopping this service");
        // halt: nobody waits for a clean shutdown, and a hanging shutdown hook must not keep an orphan alive
        Runtime.getRuntime().halt(3);
    }
}
