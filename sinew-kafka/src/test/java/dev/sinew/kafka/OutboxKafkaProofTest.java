package dev.sinew.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sinew.outbox.DeadLetter;
import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.IncomingMessage;
import dev.sinew.outbox.MessageHandler;
import dev.sinew.outbox.Outbox;
import dev.sinew.outbox.OutboxConfig;
import dev.sinew.outbox.Relay;
import dev.sinew.outbox.RelayConfig;

/**
 * The proof, end to end through a real broker process: outbox → relay → Kafka → consumer → inbox.
 * The processing table has no unique constraint, so a message processed twice would be a second row.
 */
class OutboxKafkaProofTest {

    private static final int MESSAGES = 10_000;
    private static final int KEYS = 50;

    @TempDir
    Path dir;

    @Test
    void h2ToKafkaToConsumerTenThousandMessagesExactlyOnceInOrderPerKey() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "proof-h2-" + UUID.randomUUID();
        try (TestPool pool = TestPool.h2(dir)) {
            Outbox outbox = Outbox.create(pool, OutboxConfig.defaults());
            Proof.createTable(pool);
            Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("proof-h2").build());
            long t0 = System.nanoTime();
            try (KafkaTransport transport = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(broker.bootstrapServers()).build());
                 Relay relay = Relay.start(pool, transport, RelayConfig.builder().pollInterval(Duration.ofMillis(20)).build());
                 KafkaInboxConsumer consumer = KafkaInboxConsumer.start(inbox, Proof.recorder(),
                         KafkaInboxConsumerTest.config(broker, topic, "proof-h2").maxPollRecords(500).build())) {
                Proof.publish(pool, outbox, topic, 0, MESSAGES, KEYS, 50);
                long published = System.nanoTime();
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                        .until(() -> Proof.processedRows(pool) >= MESSAGES);
                long done = System.nanoTime();
                Thread.sleep(500); // room for a late duplicate to show up
                System.out.printf("H2 proof: %d messages published in %d ms, all processed after %d ms (relay sent %d, consumer processed %d, duplicates %d)%n",
                        MESSAGES, (published - t0) / 1_000_000, (done - t0) / 1_000_000, relay.sentCount(),
                        consumer.processedCount(), consumer.duplicateCount());
                assertThat(relay.lag().unsentRows()).isZero();
            }
            Proof.assertExactlyOnceInOrder(pool, MESSAGES, KEYS);
        }
    }

    @Test
    void postgresToKafkaToConsumerExactlyOnceInOrderWhileRelayAndConsumerProcessesAreKilled() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "proof-pg-" + UUID.randomUUID();
        Path logs = Files.createDirectories(Path.of("target", "proof-logs", topic));
        Random random = new Random();
        try (TestPool pool = TestPool.postgres("sinew_kafka_proof")) {
            Outbox outbox = Outbox.create(pool, OutboxConfig.defaults());
            Inbox.create(pool, InboxConfig.builder().consumer("proof-consumer").build());
            Proof.createTable(pool);

            AtomicReference<Throwable> publishError = new AtomicReference<>();
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                try {
                    for (int i = 0; i < MESSAGES; i += 10) {
                        Proof.publish(pool, outbox, topic, i, i + 10, KEYS, 10);
                        Thread.sleep(25); // a steady flow for ~40 s, so kills hit a live flow
                    }
                } catch (Throwable e) {
                    publishError.set(e);
                } finally {
                    publishing.set(false);
                }
            }, "proof-publisher");

            Child relay = new Child("relay", logs, pool.url(), pool.user(), broker.bootstrapServers());
            Child consumer = new Child("consumer", logs, pool.url(), pool.user(), broker.bootstrapServers(), topic, "proof-pg");
            long t0 = System.nanoTime();
            int relayKills = 0;
            int consumerKills = 0;
            try {
                relay.start();
                consumer.start();
                publisher.start();
                while (relayKills + consumerKills < 20 || relayKills < 8 || consumerKills < 8 || publishing.get()) {
                    boolean killRelay = relayKills < consumerKills - 2 || (consumerKills >= relayKills - 2 && random.nextBoolean());
                    Child victim = killRelay ? relay : consumer;
                    victim.awaitReady(Duration.ofSeconds(60));
                    Thread.sleep(300 + random.nextInt(2700)); // a random moment of its work
                    victim.kill9();
                    if (killRelay) {
                        relayKills++;
                    } else {
                        consumerKills++;
                    }
                    victim.start();
                }
                long killsDone = System.nanoTime();
                relay.awaitReady(Duration.ofSeconds(60));
                consumer.awaitReady(Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                        .until(() -> Proof.processedRows(pool) >= MESSAGES);
                long drained = System.nanoTime();
                Thread.sleep(1000); // room for a late duplicate to show up
                long inKafka;
                try (var admin = KafkaInboxConsumerTest.admin(broker)) {
                    var parts = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                            .collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
                    inKafka = admin.listOffsets(parts).all().get().values().stream().mapToLong(o -> o.offset()).sum();
                }
                System.out.printf("PostgreSQL kill proof: %d messages, %d kills (relay %d, consumer %d) in %d ms, drained %d ms after the last kill;"
                                + " Kafka holds %d records (%d re-sent by killed relays); consumers skipped %d redelivered duplicates%n",
                        MESSAGES, relayKills + consumerKills, relayKills, consumerKills, (killsDone - t0) / 1_000_000,
                        (drained - killsDone) / 1_000_000, inKafka, inKafka - MESSAGES, consumer.duplicatesSeen());
            } finally {
                relay.kill9();
                consumer.kill9();
                publisher.join(10_000);
            }
            assertThat(publishError.get()).isNull();
            assertThat(relayKills + consumerKills).isGreaterThanOrEqualTo(20);
            Proof.assertExactlyOnceInOrder(pool, MESSAGES, KEYS);
        }
    }

    @Test
    void aPoisonMessageIsDeadLetteredAfterNAttemptsTheRestFlowsAndRedriveDeliversItOnceFixed() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "proof-poison-" + UUID.randomUUID();
        try (TestPool pool = TestPool.h2(dir)) {
            Outbox outbox = Outbox.create(pool, OutboxConfig.defaults());
            Proof.createTable(pool);
            Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("poison-test").maxAttempts(3)
                    .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build());
            AtomicBoolean broken = new AtomicBoolean(true);
            MessageHandler recorder = Proof.recorder();
            MessageHandler handler = (Connection tx, IncomingMessage m) -> {
                if (broken.get() && new String(m.payload(), StandardCharsets.UTF_8).startsWith("poison")) {
                    throw new IllegalStateException("cannot process poison message " + m.messageId());
                }
                recorder.handle(tx, m);
            };
            try (KafkaTransport transport = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(broker.bootstrapServers()).build());
                 Relay relay = Relay.start(pool, transport, RelayConfig.builder().pollInterval(Duration.ofMillis(20)).build());
                 KafkaInboxConsumer consumer = KafkaInboxConsumer.start(inbox, handler,
                         KafkaInboxConsumerTest.config(broker, topic, "poison").redriveInterval(Duration.ofMillis(300)).build())) {
                Proof.publish(pool, outbox, topic, 0, 100, 10, 10);
                String poisonId;
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    // same key as some healthy messages: they must not be blocked behind it forever
                    poisonId = outbox.publish(c, topic, "k3", "poison:0".getBytes(StandardCharsets.UTF_8), Map.of());
                    c.commit();
                }
                Proof.publish(pool, outbox, topic, 100, 200, 10, 10);

                await().atMost(Duration.ofSeconds(60)).until(() -> Proof.processedRows(pool) == 200 && consumer.deadLetteredCount() == 1);
                assertThat(relay.sentCount()).isGreaterThanOrEqualTo(201);
                List<DeadLetter> dead = inbox.deadLetters().list("poison-test");
                assertThat(dead).hasSize(1);
                DeadLetter d = dead.get(0);
                assertThat(d.messageId()).isEqualTo(poisonId);
                assertThat(d.attempts()).isEqualTo(3);
                assertThat(d.error()).contains("cannot process poison message " + poisonId);
                assertThat(d.topic()).isEqualTo(topic);

                broken.set(false);
                inbox.deadLetters().redrive(d.id());
                await().atMost(Duration.ofSeconds(30)).until(() -> Proof.processedRows(pool) == 201);
                // the counter moves right after the redrive transaction commits
                await().atMost(Duration.ofSeconds(5)).until(() -> consumer.redrivenCount() == 1);
                Thread.sleep(800); // another redrive round must not process it again
                assertThat(Proof.processedRows(pool)).isEqualTo(201);
                assertThat(inbox.deadLetters().list("poison-test")).isEmpty();
            }
        }
    }

    /** A child JVM running {@link ProofChild}, restarted after each kill; each incarnation logs to its own file. */
    static final class Child {
        private final String role;
        private final Path logs;
        private final List<String> args;
        private Process process;
        private Path log;
        private int incarnation;

        Child(String role, Path logs, String... args) {
            this.role = role;
            this.logs = logs;
            this.args = List.of(args);
        }

        void start() throws IOException {
            incarnation++;
            log = logs.resolve(role + "-" + incarnation + ".log");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), ProofChild.class.getName(), role));
            cmd.addAll(args);
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        void awaitReady(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.exists(log) && Files.readString(log).contains("READY")) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(role + " child died: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(role + " child not ready in " + timeout + ": " + Files.readString(log));
        }

        /** Sum over all incarnations of the duplicates each reported last (a kill loses at most 200 ms of reports). */
        long duplicatesSeen() throws IOException {
            long sum = 0;
            for (int i = 1; i <= incarnation; i++) {
                String last = null;
                for (String line : Files.readAllLines(logs.resolve(role + "-" + i + ".log"))) {
                    if (line.startsWith("STATS ")) {
                        last = line;
                    }
                }
                if (last != null) {
                    sum += Long.parseLong(last.substring(last.indexOf("duplicates=") + 11).trim());
                }
            }
            return sum;
        }

        void kill9() throws InterruptedException {
            if (process != null) {
                process.toHandle().destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
