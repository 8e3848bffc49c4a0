package dev.sinew.kafka;

import java.io.IOException;
import java.time.Duration;

import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.Relay;
import dev.sinew.outbox.RelayConfig;

/**
 * The child processes of the kill proof: {@code relay <jdbc-url> <user> <bootstrap>} runs a relay
 * with the Kafka transport; {@code consumer <jdbc-url> <user> <bootstrap> <topic> <group>} runs the
 * Kafka inbox consumer with the recording handler. Each prints READY and runs until killed (or
 * until its parent, the test JVM, is gone: end-of-file on stdin).
 */
public final class ProofChild {

    private ProofChild() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever written
                }
            } catch (IOException ignored) {
                // same as end-of-file
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        TestPool pool = TestPool.of(args[1], args[2]);
        String bootstrap = args[3];
        switch (args[0]) {
            case "relay" -> {
                KafkaTransport transport = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(bootstrap)
                        .clientId("proof-relay-" + ProcessHandle.current().pid()).build());
                Relay.start(pool, transport, RelayConfig.builder().name("proof-relay").batchSize(200)
                        .pollInterval(Duration.ofMillis(20)).leaseDuration(Duration.ofSeconds(2))
                        .leaseRenewInterval(Duration.ofMillis(500)).backoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build());
            }
            case "consumer" -> {
                Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("proof-consumer").build());
                KafkaInboxConsumer consumer = KafkaInboxConsumer.start(inbox, Proof.recorder(), KafkaInboxConsumerConfig.builder()
                        .bootstrapServers(bootstrap).topics(args[4]).groupId(args[5])
                        // static membership: a restarted consumer takes its partitions back at once
                        .property("group.instance.id", "proof-consumer-1")
                        .sessionTimeout(Duration.ofSeconds(6)).pollTimeout(Duration.ofMillis(200)).build());
                Thread stats = new Thread(() -> {
                    while (true) {
                        System.out.println("STATS processed=" + consumer.processedCount() + " duplicates=" + consumer.duplicateCount());
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "stats");
                stats.setDaemon(true);
                stats.start();
            }
            default -> throw new IllegalArgumentException("relay or consumer, not " + args[0]);
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
