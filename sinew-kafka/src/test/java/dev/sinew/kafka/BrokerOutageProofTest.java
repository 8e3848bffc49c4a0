package dev.sinew.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.Lag;
import dev.sinew.outbox.Outbox;
import dev.sinew.outbox.OutboxConfig;
import dev.sinew.outbox.Relay;
import dev.sinew.outbox.RelayConfig;

/**
 * The broker is killed and stays down for 30 s while producers keep committing: publishing never
 * blocks or fails (it only writes the local outbox), the backlog grows, and it drains once the
 * broker is back — every message processed exactly once, in order per key.
 */
class BrokerOutageProofTest {

    private static final int KEYS = 20;

    @TempDir
    Path dir;

    @Test
    void producersNeverBlockOrFailDuringAThirtySecondBrokerOutageAndTheBacklogDrainsAfterwards() throws Exception {
        KafkaBroker broker = KafkaBroker.builder().dataDir(dir.resolve("broker")).partitions(3).build().start();
        String topic = "outage-" + UUID.randomUUID();
        try (TestPool pool = TestPool.h2(dir)) {
            Outbox outbox = Outbox.create(pool, OutboxConfig.defaults());
            Proof.createTable(pool);
            Inbox inbox = Inbox.create(pool, InboxConfig.builder().consumer("outage").build());

            AtomicInteger published = new AtomicInteger();
            AtomicLong maxPublishNanos = new AtomicLong();
            AtomicReference<Throwable> publishError = new AtomicReference<>();
            AtomicInteger stopAt = new AtomicInteger(Integer.MAX_VALUE);
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < stopAt.get(); i++) {
                        long s = System.nanoTime();
                        Proof.publish(pool, outbox, topic, i, i + 1, KEYS, 1);
                        maxPublishNanos.accumulateAndGet(System.nanoTime() - s, Math::max);
                        published.incrementAndGet();
                        Thread.sleep(10);
                    }
                } catch (Throwable e) {
                    publishError.set(e);
                }
            }, "outage-producer");

            try (KafkaTransport transport = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(broker.bootstrapServers()).build());
                 Relay relay = Relay.start(pool, transport, RelayConfig.builder().pollInterval(Duration.ofMillis(20))
                         .backoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build());
                 KafkaInboxConsumer consumer = KafkaInboxConsumer.start(inbox, Proof.recorder(),
                         KafkaInboxConsumerTest.config(broker, topic, "outage").build())) {
                producer.start();
                assertThat(consumer.isRunning()).isTrue();
                await().atMost(Duration.ofSeconds(60)).until(() -> Proof.processedRows(pool) >= 200);

                broker.kill();
                long downAt = System.nanoTime();
                int publishedAtKill = published.get();
                Thread.sleep(30_000);
                int publishedDuringOutage = published.get() - publishedAtKill;
                Lag backlog = outbox.lag();
                boolean relayFailing = relay.failing();
                long t0 = System.nanoTime();
                broker.start();
                long restartMs = (System.nanoTime() - t0) / 1_000_000;
                long downMs = (System.nanoTime() - downAt) / 1_000_000;
                Thread.sleep(2_000);
                stopAt.set(published.get());
                producer.join(10_000);
                int total = published.get();
                long drainStart = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> Proof.processedRows(pool) >= total);
                long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
                Thread.sleep(500);
                System.out.printf("outage proof: broker down %d ms (restart took %d ms); %d messages published during the outage, "
                                + "slowest publish+commit %d ms, backlog at restart %d rows (oldest %s), relay failing %s; "
                                + "%d messages total, all processed %d ms after the broker was back%n",
                        downMs, restartMs, publishedDuringOutage, maxPublishNanos.get() / 1_000_000, backlog.unsentRows(),
                        backlog.oldestAge(), relayFailing, total, drainMs);

                assertThat(publishError.get()).as("a producer failed").isNull();
                assertThat(publishedDuringOutage).as("producers kept committing").isGreaterThan(1_000);
                assertThat(maxPublishNanos.get()).as("slowest publish").isLessThan(Duration.ofSeconds(2).toNanos());
                assertThat(backlog.unsentRows()).as("backlog while the broker was down").isGreaterThan(1_000);
                assertThat(relayFailing).isTrue();
                Proof.assertExactlyOnceInOrder(pool, total, KEYS);
                assertThat(outbox.lag().unsentRows()).isZero();
            }
        } finally {
            broker.stop();
        }
    }
}
