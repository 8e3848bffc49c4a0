package dev.sinew.kafka;

import java.nio.file.Path;

/** A JVM that starts a broker, prints its pid and waits to be killed: for the no-orphans test. */
public final class BrokerParentChild {

    private BrokerParentChild() {
    }

    public static void main(String[] args) throws Exception {
        KafkaBroker broker = KafkaBroker.builder().dataDir(Path.of(args[0])).build().start();
        System.out.println("BROKER-PID " + broker.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
