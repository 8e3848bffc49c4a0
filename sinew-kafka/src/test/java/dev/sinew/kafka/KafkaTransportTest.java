package dev.sinew.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import dev.sinew.outbox.OutboxMessage;

class KafkaTransportTest {

    @Test
    void roundTripCarriesKeyPayloadMessageIdAndTraceHeadersInOrderPerKey() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "transport-" + UUID.randomUUID();
        int keys = 20;
        int total = 2_000;
        List<OutboxMessage> all = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String key = "key-" + (i % keys);
            all.add(new OutboxMessage(i, "id-" + i, topic, key, (key + ":" + i / keys).getBytes(StandardCharsets.UTF_8),
                    Map.of("traceparent", Proof.TRACEPARENT, "tracestate", "sinew=1", "app", "v" + i), Instant.now()));
        }
        try (KafkaTransport t = KafkaTransport.create(KafkaTransportConfig.builder()
                .bootstrapServers(broker.bootstrapServers()).clientId("transport-test").build())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i += 200) {
                t.send(all.subList(i, i + 200));
            }
            System.out.printf("transport: %d messages in batches of 200 acked in %d ms%n", total, (System.nanoTime() - t0) / 1_000_000);
        }
        List<ConsumerRecord<String, byte[]>> records = TestKafka.readAll(broker.bootstrapServers(), topic, total, Duration.ofSeconds(60));
        assertThat(records).hasSize(total);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count()).as("partitions used").isGreaterThan(1);

        Map<String, Integer> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Map<String, String> h = new HashMap<>();
            for (Header header : r.headers()) {
                h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            String[] parts = new String(r.value(), StandardCharsets.UTF_8).split(":");
            assertThat(parts[0]).isEqualTo(r.key());
            int seq = Integer.parseInt(parts[1]);
            int i = seq * keys + Integer.parseInt(r.key().substring(4));
            assertThat(h).containsEntry(KafkaTransport.MESSAGE_ID_HEADER, "id-" + i)
                    .containsEntry("traceparent", Proof.TRACEPARENT)
                    .containsEntry("tracestate", "sinew=1")
                    .containsEntry("app", "v" + i);
            // records of one partition arrive in offset order: per key, seq must count up
            assertThat(seq).as("order of " + r.key()).isEqualTo(next.getOrDefault(r.key(), 0));
            next.put(r.key(), seq + 1);

            // and the consumer side maps it back
            var incoming = KafkaInboxConsumer.toMessage(r);
            assertThat(incoming.messageId()).isEqualTo("id-" + i);
            assertThat(incoming.headers()).containsEntry("traceparent", Proof.TRACEPARENT)
                    .doesNotContainKey(KafkaTransport.MESSAGE_ID_HEADER);
        }
    }

    @Test
    void aFailingSendNamesTopicAndMessageId() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        try (KafkaTransport t = KafkaTransport.create(KafkaTransportConfig.builder()
                .bootstrapServers(broker.bootstrapServers()).property("max.request.size", "2000").build())) {
            byte[] big = new byte[10_000];
            assertThatThrownBy(() -> t.send(List.of(
                    new OutboxMessage(1, "ok-1", "too-big", "k", new byte[10], Map.of(), Instant.now()),
                    new OutboxMessage(2, "big-2", "too-big", "k", big, Map.of(), Instant.now()))))
                    .isInstanceOf(KafkaSendException.class)
                    .hasMessageContaining("big-2").hasMessageContaining("too-big")
                    .satisfies(e -> assertThat(((KafkaSendException) e).messageId()).isEqualTo("big-2"));
            // the transport recovers with a fresh producer
            t.send(List.of(new OutboxMessage(3, "ok-3", "too-big", "k", new byte[10], Map.of(), Instant.now())));
        }
    }

    @Test
    void aRecordThatFailsInsideSendStopsTheBatchSoNothingAfterItOvertakesIt() throws Exception {
        KafkaBroker broker = SharedBroker.get();
        String topic = "after-failure-" + UUID.randomUUID();
        try (KafkaTransport t = KafkaTransport.create(KafkaTransportConfig.builder()
                .bootstrapServers(broker.bootstrapServers()).maxBlock(Duration.ofSeconds(2)).build())) {
            // the first record can never get metadata (an illegal topic name), so the producer fails it inside
            // send(); the second must then not be handed over, or it would be written ahead of a resend of the first
            assertThatThrownBy(() -> t.send(List.of(
                    new OutboxMessage(1, "bad-1", "no such topic!", "k", new byte[10], Map.of(), Instant.now()),
                    new OutboxMessage(2, "after-2", topic, "k", new byte[10], Map.of(), Instant.now()))))
                    .isInstanceOf(KafkaSendException.class)
                    .satisfies(e -> assertThat(((KafkaSendException) e).messageId()).isEqualTo("bad-1"));
            t.send(List.of(new OutboxMessage(3, "ok-3", topic, "k", new byte[10], Map.of(), Instant.now())));
        }
        List<ConsumerRecord<String, byte[]>> records = TestKafka.readAll(broker.bootstrapServers(), topic, 2, Duration.ofSeconds(5));
        assertThat(records).extracting(r -> new String(r.headers().lastHeader(KafkaTransport.MESSAGE_ID_HEADER).value(),
                StandardCharsets.UTF_8)).as("records in the topic").containsExactly("ok-3");
    }

    @Test
    void configValidationNamesTheKey() {
        assertThatThrownBy(() -> KafkaTransportConfig.builder().build()).hasMessageStartingWith("bootstrap-servers: null is not allowed");
        assertThatThrownBy(() -> KafkaTransportConfig.builder().bootstrapServers("localhost").build())
                .hasMessageStartingWith("bootstrap-servers: 'localhost' is not allowed");
        assertThatThrownBy(() -> KafkaTransportConfig.builder().bootstrapServers("h:1").maxInFlight(6).build())
                .hasMessageStartingWith("max-in-flight: 6 is not allowed; expected an integer from 1 to 5");
        assertThatThrownBy(() -> KafkaTransportConfig.builder().bootstrapServers("h:1").property("acks", "1").build())
                .hasMessageStartingWith("properties.acks: 1 is not allowed; expected all");
        assertThatThrownBy(() -> KafkaTransportConfig.builder().bootstrapServers("h:1").property("enable.idempotence", "false").build())
                .hasMessageStartingWith("properties.enable.idempotence: false is not allowed");
        assertThatThrownBy(() -> KafkaTransportConfig.builder().bootstrapServers("h:1").deliveryTimeout(Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("delivery-timeout: PT1S is not allowed; expected at least linger + request-timeout");
        assertThatThrownBy(() -> KafkaTransportConfig.builder().bootstrapServers("h:1").clientId(" ").build())
                .hasMessageStartingWith("client-id:");
        KafkaTransportConfig c = KafkaTransportConfig.builder().bootstrapServers("h:1").property("compression.type", "lz4").build();
        assertThat(c.producerProperties()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("max.in.flight.requests.per.connection", "5").containsEntry("compression.type", "lz4")
                .containsEntry("max.request.size", "2097152");
        assertThat(c.toBuilder().build().producerProperties()).isEqualTo(c.producerProperties());
    }
}
