package dev.sinew.shop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.chaos.proxy.FaultProxy;
import dev.sinew.chaos.proxy.Link;
import dev.sinew.chaos.proxy.LinkConfig;
import dev.sinew.chaos.proxy.LinkFaults;
import dev.sinew.kafka.KafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the launcher puts Kafka behind the fault proxy with chaos on: a broker that listens on its port
 * but advertises the proxy's makes every client connection after the bootstrap go through the proxy,
 * even for a client that bootstraps from the broker's own port, so a fault on the link reaches it.
 */
class BrokerProxyTest {

    @TempDir
    Path dir;

    @Test
    void clientsReachTheBrokerOnlyThroughTheProxyItAdvertises() throws Exception {
        int brokerPort = freePort();
        int proxyPort = freePort();
        try (FaultProxy proxy = FaultProxy.start(List.of(new LinkConfig("broker", "127.0.0.1", proxyPort, "127.0.0.1",
                brokerPort, LinkFaults.NONE)));
             KafkaBroker broker = KafkaBroker.builder().dataDir(dir.resolve("broker")).port(brokerPort)
                     .advertisedPort(proxyPort).startTimeout(Duration.ofSeconds(90)).build().start()) {
            Link link = proxy.link("broker").orElseThrow();
            assertThat(broker.advertisedPort()).isEqualTo(proxyPort);
            try (KafkaProducer<String, String> direct = producer(broker.bootstrapServers())) {
                direct.send(new ProducerRecord<>("t", "k", "through the proxy")).get(30, TimeUnit.SECONDS);
                assertThat(link.openConnections()).as("connections after metadata go through the proxy").isPositive();
            }
            proxy.faults("broker", new LinkFaults(0, 0, 0, false, false, 0, true)); // the link down, the broker up
            try (KafkaProducer<String, String> cut = producer(broker.bootstrapServers())) {
                assertThatThrownBy(() -> cut.send(new ProducerRecord<>("t", "k", "no way")).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
            proxy.faults("broker", LinkFaults.NONE);
            try (KafkaProducer<String, String> again = producer("127.0.0.1:" + proxyPort)) {
                again.send(new ProducerRecord<>("t", "k", "back")).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static int freePort() throws IOException {
        return dev.sinew.kafka.FreePorts.next(); // below the ephemeral range: a restarted node finds its port free
    }
}
