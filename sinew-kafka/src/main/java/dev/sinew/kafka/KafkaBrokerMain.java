package dev.sinew.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the broker child process that {@link KafkaBroker} starts: runs {@code kafka.Kafka}
 * and exits when its parent dies.
 *
 * <p>The parent keeps the child's standard input open as a pipe and never writes to it. When the
 * parent JVM ends in any way, including {@code kill -9} where no shutdown hook runs, the operating
 * system closes that pipe; this watchdog then reads end-of-file and exits, so the broker never
 * outlives the process that started it. Not meant to be called by applications.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (!Boolean.getBoolean("sinew.kafka.detached")) {
            Thread watchdog = new Thread(KafkaBrokerMain::exitWhenParentGone, "sinew-kafka-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        kafka.Kafka.main(args);
    }

    private static void exitWhenParentGone() {
        InputStream in = System.in;
        byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; ignore anything that arrives
            }
        } catch (IOException e) {
            // a broken pipe means the same thing as end-of-file
        }
        System.err.println("[sinew] parent process gone: stopping the broker");
        // halt, not exit: the parent is gone, nobody waits for a clean shutdown, and a
        // broker shutdown that hangs must not keep an orphan alive.
        Runtime.getRuntime().halt(3);
    }
}
