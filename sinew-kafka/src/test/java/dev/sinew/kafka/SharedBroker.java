package dev.sinew.kafka;

/** One broker (3 partitions per topic) for all test classes that do not stop or kill it; the JVM's exit kills it. */
final class SharedBroker {

    private static KafkaBroker broker;

    private SharedBroker() {
    }

    static synchronized KafkaBroker get() {
        if (broker == null || !broker.isAlive()) {
            broker = KafkaBroker.builder()
                    .dataDir(java.nio.file.Path.of("target", "shared-broker-" + java.util.UUID.randomUUID())).partitions(3).build().start();
        }
        return broker;
    }
}
