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
            // a transport that was connected when the broker died fails within its bound, then recovers
            KafkaTransportConfig fast = KafkaTransportConfig.builder().bootstrapServers(broker.bootstrapServers())
                    .requestTimeout(Duration.ofSeconds(1)).deliveryTimeout(Duration.ofSeconds(3)).maxBlock(Duration.ofSeconds(2)).build();
            try (KafkaTransport t = KafkaTransport.create(fast)) {
                t.send(List.of(message("before-kill")));

                long pid2 = broker.pid();
                broker.kill();
                assertThat(broker.isAlive()).isFalse();
                assertThat(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false)).isFalse();

                // first attempt: cached metadata, the record times out (delivery-timeout);
                // second: a fresh producer cannot get metadata (max-block)
                for (int attempt = 0; attempt < 2; attempt++) {
                    long s0 = System.nanoTime();
                    assertThatThrownBy(() -> t.send(List.of(message("while-down"))))
                            .isInstanceOf(KafkaSendException.class)
                            .hasMessageContaining("while-down").hasMessageContaining("broker-test");
                    long ms = (System.nanoTime() - s0) / 1_000_000;
                    System.out.printf("send with the broker down failed after %d ms (bound %s)%n", ms, fast.sendBound());
                    assertThat(ms).isLessThanOrEqualTo(fast.sendBound().toMillis());
                }
                broker.start();
                t.send(List.of(message("after-restart")));
            }
            var records = TestKafka.readAll(broker.bootstrapServers(), "broker-test", 3, Duration.ofSeconds(30));
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("before-stop", "before-kill", "after-restart");
            assertThat(broker.logFile()).exists();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        } finally {
            broker.stop();
        }
        assertThat(broker.isAlive()).isFalse();
        assertThatThrownBy(broker::pid).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBrokerDiesWithItsParentEvenWhenTheParentIsKilledWithSigkill() throws Exception {
        Path out = dir.resolve("parent.log");
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), BrokerParentChild.class.getName(),
                dir.resolve("orphan").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            long brokerPid = -1;
            while (brokerPid < 0 && System.nanoTime() < deadline && parent.isAlive()) {
                for (String line : Files.readAllLines(out)) {
                    if (line.startsWith("BROKER-PID ")) {
                        brokerPid = Long.parseLong(line.substring(11).trim());
                    }
                }
                Thread.sleep(100);
            }
            assertThat(brokerPid).as(Files.readString(out)).isPositive();
            ProcessHandle broker = ProcessHandle.of(brokerPid).orElseThrow();
            parent.toHandle().destroyForcibly(); // no shutdown hook runs
            long t0 = System.nanoTime();
            assertThat(broker.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
            System.out.printf("broker exited %d ms after its parent was killed with SIGKILL%n", (System.nanoTime() - t0) / 1_000_000);
        } finally {
            parent.destroyForcibly();
        }
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
            t.send(List.of(message(value)));
        }
    }

    private static OutboxMessage message(String value) {
        return new OutboxMessage(1, value, "broker-test", "k", value.getBytes(StandardCharsets.UTF_8), Map.of(), Instant.now());
    }
}
