package dev.sinew.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.IncomingMessage;
import dev.sinew.outbox.MessageHandler;
import dev.sinew.outbox.OutboxMessage;

class KafkaInboxConsumerTest {

    @TempDir
    Path dir;

    private static final int KEYS = 10;

    @Test
    void commitsOnlyAfterTheInboxSettledARecordAndNotWhileTheDatabaseIsDown() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "consumer-commit-" + UUID.randomUUID();
        String group = "g-" + UUID.randomUUID();
        int total = 300;
        sendProofMessages(broker, topic, total);

        try (TestPool pool = TestPool.h2(dir); Admin admin = admin(broker)) {
            Proof.createTable(pool);
            Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("commit-test").build());
            AtomicInteger seen = new AtomicInteger();
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            MessageHandler recorder = Proof.recorder();
            MessageHandler handler = (Connection tx, IncomingMessage m) -> {
                if (seen.incrementAndGet() == 100) {
                    blocked.countDown();
                    release.await();
                }
                recorder.handle(tx, m);
            };
            KafkaInboxConsumer consumer = KafkaInboxConsumer.start(inbox, handler, config(broker, topic, group)
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build());
            try {
                assertThat(blocked.await(60, TimeUnit.SECONDS)).isTrue();
                // the handler of the 100th record is running: at most 99 records may be committed
                Thread.sleep(300);
                assertThat(committed(admin, group)).as("committed while record 100 is in the handler").isLessThanOrEqualTo(99);
                // records are processed a partition's poll at a time in one transaction: the batch holding
                // record 100 is not committed yet, and no offset may run ahead of what the database holds
                long rows = Proof.processedRows(pool);
                assertThat(rows).isLessThanOrEqualTo(99);
                assertThat(committed(admin, group)).as("offsets committed beyond the inbox").isLessThanOrEqualTo(rows);

                // the database goes away: the batch in hand still commits (its transaction holds a connection),
                // every later one fails in the inbox, so nothing beyond it may be committed
                pool.down(true);
                release.countDown();
                await().atMost(Duration.ofSeconds(20)).until(consumer::failing);
                Thread.sleep(1000);
                long settled = consumer.processedCount();
                assertThat(settled).as("the batch in hand settled, nothing after it").isBetween(100L, total - 1L);
                assertThat(committed(admin, group)).as("committed while the database is down").isLessThanOrEqualTo(settled);

                pool.down(false);
                await().atMost(Duration.ofSeconds(60)).until(() -> committed(admin, group) == total);
                assertThat(consumer.failing()).isFalse();
            } finally {
                release.countDown();
                consumer.close();
            }
            assertThat(consumer.isRunning()).isFalse();
            assertThat(consumer.processedCount()).isEqualTo(total);
            Proof.assertExactlyOnceInOrder(pool, total, KEYS);
        }
    }

    @Test
    void everythingRedeliveredIsSkippedByTheInboxIncludingRecordsWithoutAMessageId() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "consumer-redeliver-" + UUID.randomUUID();
        String group = "g-" + UUID.randomUUID();
        int total = 200;
        sendProofMessages(broker, topic, total);
        // a record from a producer that does not set sinew-message-id: its position is its id
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, "k-raw", "k-raw:0".getBytes(StandardCharsets.UTF_8));
            r.headers().add("traceparent", Proof.TRACEPARENT.getBytes(StandardCharsets.UTF_8));
            raw.send(r).get();
        }

        try (TestPool pool = TestPool.h2(dir); Admin admin = admin(broker)) {
            Proof.createTable(pool);
            Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("redeliver-test").build());
            try (KafkaInboxConsumer first = KafkaInboxConsumer.start(inbox, Proof.recorder(), config(broker, topic, group).build())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> first.processedCount() == total + 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> committed(admin, group) == total + 1);
            }
            // as if every commit had been lost: rewind the group to the beginning
            Map<TopicPartition, OffsetAndMetadata> zero = new java.util.HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .keySet().forEach(tp -> zero.put(tp, new OffsetAndMetadata(0)));
            admin.alterConsumerGroupOffsets(group, zero).all().get();

            try (KafkaInboxConsumer second = KafkaInboxConsumer.start(inbox, Proof.recorder(), config(broker, topic, group).build())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> second.duplicateCount() == total + 1);
                assertThat(second.processedCount()).isZero();
            }
            assertThat(Proof.processedRows(pool)).isEqualTo(total + 1);
        }
    }

    @Test
    void membersJoiningAndLeavingTheGroupHandOverPartitionsWithoutLossDuplicatesOrReordering() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "consumer-rebalance-" + UUID.randomUUID();
        String group = "g-" + UUID.randomUUID();
        int total = 3_000;
        sendProofMessages(broker, topic, total);
        try (TestPool pool = TestPool.h2(dir)) {
            Proof.createTable(pool);
            Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("rebalance-test").build());
            MessageHandler slow = (Connection tx, IncomingMessage m) -> {
                Proof.recorder().handle(tx, m);
                Thread.sleep(1); // keep both members busy long enough to overlap
            };
            KafkaInboxConsumer a = KafkaInboxConsumer.start(inbox, slow, config(broker, topic, group).clientId("a").build());
            KafkaInboxConsumer b = null;
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> a.processedCount() >= 300);
                b = KafkaInboxConsumer.start(inbox, slow, config(broker, topic, group).clientId("b").build());
                KafkaInboxConsumer second = b;
                await().atMost(Duration.ofSeconds(60)).until(() -> second.processedCount() >= 300);
                a.close(); // leaves mid-stream: its partitions move to b from the committed offsets
                long aDone = a.processedCount();
                await().atMost(Duration.ofSeconds(60)).until(() -> Proof.processedRows(pool) >= total);
                System.out.printf("rebalance: member a processed %d, member b %d (duplicates skipped: a %d, b %d)%n",
                        aDone, second.processedCount(), a.duplicateCount(), second.duplicateCount());
                assertThat(aDone).isLessThan(total);
                assertThat(aDone + second.processedCount()).isEqualTo(total);
            } finally {
                a.close();
                if (b != null) {
                    b.close();
                }
            }
            Proof.assertExactlyOnceInOrder(pool, total, KEYS);
        }
    }

    @Test
    void configValidationNamesTheKey() {
        var ok = KafkaInboxConsumerConfig.builder().bootstrapServers("h:1").groupId("g").topics("t");
        assertThat(ok.build().consumerProperties()).containsEntry("enable.auto.commit", "false")
                .containsEntry("isolation.level", "read_committed").containsEntry("auto.offset.reset", "earliest");
        assertThatThrownBy(() -> KafkaInboxConsumerConfig.builder().groupId("g").topics("t").build())
                .hasMessageStartingWith("bootstrap-servers:");
        assertThatThrownBy(() -> KafkaInboxConsumerConfig.builder().bootstrapServers("h:1").topics("t").build())
                .hasMessageStartingWith("group-id:");
        assertThatThrownBy(() -> KafkaInboxConsumerConfig.builder().bootstrapServers("h:1").groupId("g").build())
                .hasMessageStartingWith("topics: [] is not allowed");
        assertThatThrownBy(() -> ok.property("enable.auto.commit", "true").build())
                .hasMessageStartingWith("properties.enable.auto.commit: true is not allowed");
        assertThatThrownBy(() -> KafkaInboxConsumerConfig.builder().bootstrapServers("h:1").groupId("g").topics("t")
                .property("isolation.level", "read_uncommitted").build())
                .hasMessageStartingWith("properties.isolation.level: read_uncommitted is not allowed");
        assertThatThrownBy(() -> KafkaInboxConsumerConfig.builder().bootstrapServers("h:1").groupId("g").topics("t")
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("backoff-max: PT1S is not allowed");
        assertThatThrownBy(() -> KafkaInboxConsumerConfig.builder().bootstrapServers("h:1").groupId("g").topics("t")
                .maxPollRecords(0).build())
                .hasMessageStartingWith("max-poll-records: 0 is not allowed");
    }

    static KafkaInboxConsumerConfig.Builder config(KafkaBroker broker, String topic, String group) {
        return KafkaInboxConsumerConfig.builder().bootstrapServers(broker.bootstrapServers()).groupId(group).topics(topic)
                .sessionTimeout(Duration.ofSeconds(6)).pollTimeout(Duration.ofMillis(200)).maxPollRecords(50);
    }

    static void sendProofMessages(KafkaBroker broker, String topic, int total) throws Exception {
        List<OutboxMessage> batch = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String key = Proof.key(i, KEYS);
            batch.add(new OutboxMessage(i, UUID.randomUUID().toString(), topic, key,
                    (key + ":" + Proof.seq(i, KEYS)).getBytes(StandardCharsets.UTF_8), Map.of("traceparent", Proof.TRACEPARENT), Instant.now()));
        }
        try (KafkaTransport t = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(broker.bootstrapServers()).build())) {
            t.send(batch);
        }
    }

    static Admin admin(KafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    static long committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }
}
