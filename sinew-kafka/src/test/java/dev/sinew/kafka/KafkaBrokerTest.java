package dev.sinew.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sinew.outbox.OutboxMessage;

class KafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void startsStopsKillsAndRestartsOnTheSameDataKeepingMessages() throws Exception {
        KafkaBroker broker = KafkaBroker.builder().dataDir(dir.resolve("broker")).build();
        try {
            long t0 = System.nanoTime();
            broker.start();
            System.out.printf("broker first start (format + start + ready): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(broker.isAlive()).isTrue();
            long pid = broker.pid();
            assertThat(ProcessHandle.of(pid)).map(ProcessHandle::isAlive).contains(true);
            assertThat(Files.readString(broker.dataDir().resolve("server.properties"))).contains("offsets.topic.replication.factor=1");

            send(broker, "before-stop");

            t0 = System.nanoTime();
            broker.stop();
            System.out.printf("broker stop (SIGTERM): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(broker.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            t0 = System.nanoTime();
            broker.start();
            System.out.printf("broker restart on formatted dir: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(broker.pid()).isNotEqualTo(pid);
            send(broker, "before-kill");

            long pid2 = broker.pid();
            broker.kill();
            assertThat(broker.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            broker.restart();
            var records = TestKafka.readAll(broker.bootstrapServers(), "broker-test", 2, Duration.ofSeconds(30));
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("before-stop", "before-kill");
            assertThat(broker.logFile()).exists();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        } finally {
            broker.stop();
        }
        assertThat(broker.isAlive()).isFalse();
        assertThatThrownBy(broker::pid).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClasspathWithoutTheBrokerFailsFastWithTheLogTail() {
        KafkaBroker broker = KafkaBroker.builder().dataDir(dir.resolve("nokafka")).classpath(dir.toString())
                .startTimeout(Duration.ofSeconds(20)).build();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Formatting Kafka storage")
                .hasMessageContaining("kafka.tools.StorageTool");
        assertThat(broker.isAlive()).isFalse();
    }

    @Test
    void builderValidationNamesTheKey() {
        assertThatThrownBy(() -> KafkaBroker.builder().port(70000)).hasMessageStartingWith("port: 70000 is not allowed");
        assertThatThrownBy(() -> KafkaBroker.builder().partitions(0)).hasMessageStartingWith("partitions: 0 is not allowed");
        assertThatThrownBy(() -> KafkaBroker.builder().maxHeap("lots")).hasMessageStartingWith("max-heap: lots is not allowed");
        assertThatThrownBy(() -> KafkaBroker.builder().startTimeout(Duration.ZERO)).hasMessageStartingWith("start-timeout:");
        assertThatThrownBy(() -> KafkaBroker.builder().port(9000).controllerPort(9000).dataDir(dir).build())
                .hasMessageStartingWith("controller-port: 9000 is not allowed");
    }

    private static void send(KafkaBroker broker, String value) throws Exception {
        try (KafkaTransport t = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(broker.bootstrapServers()).build())) {
            t.send(List.of(new OutboxMessage(1, value, "broker-test", "k", value.getBytes(StandardCharsets.UTF_8), Map.of(), Instant.now())));
        }
    }
}
