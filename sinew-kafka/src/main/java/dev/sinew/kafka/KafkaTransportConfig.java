package dev.sinew.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Immutable settings of a {@link KafkaTransport}. The durability settings are fixed, not options:
 * {@code acks=all}, {@code enable.idempotence=true} and at most 5 requests in flight per connection
 * (the limit under which the idempotent producer keeps per-partition order across retries).
 * Extra producer properties may tune anything else, but an extra property that would weaken one of
 * those guarantees is refused by {@link Builder#build()}.
 *
 * <p>The timeouts bound how long {@link KafkaTransport#send} can take when the broker is gone:
 * at most {@code max-block} waiting for metadata, then at most {@code delivery-timeout} for the
 * records — so a dead broker makes the relay's send fail (and the relay back off) instead of hang.
 */
public final class KafkaTransportConfig {

    private final String bootstrapServers;
    private final String clientId;
    private final Duration deliveryTimeout;
    private final Duration requestTimeout;
    private final Duration maxBlock;
    private final Duration linger;
    private final int maxInFlight;
    private final Map<String, String> properties;

    private KafkaTransportConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.clientId = b.clientId;
        this.deliveryTimeout = b.deliveryTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxBlock = b.maxBlock;
        this.linger = b.linger;
        this.maxInFlight = b.maxInFlight;
        this.properties = Map.copyOf(b.properties);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.clientId = clientId;
        b.deliveryTimeout = deliveryTimeout;
        b.requestTimeout = requestTimeout;
        b.maxBlock = maxBlock;
        b.linger = linger;
        b.maxInFlight = maxInFlight;
        b.properties.putAll(properties);
        return b;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String clientId() {
        return clientId;
    }

    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration maxBlock() {
        return maxBlock;
    }

    public Duration linger() {
        return linger;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** The extra producer properties, as given. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The longest a {@link KafkaTransport#send} can take before it fails: max-block + delivery-timeout, plus slack. */
    public Duration sendBound() {
        return maxBlock.plus(deliveryTimeout).plusSeconds(2);
    }

    /** The complete producer configuration. */
    public Properties producerProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(maxInFlight));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryTimeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout.toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlock.toMillis()));
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        // the outbox accepts payloads up to 1 MiB (max-payload-bytes); with key and headers such a record
        // exceeds Kafka's default 1 MiB request limit and could never be sent, so allow 2 MiB
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 << 20));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Builds a {@link KafkaTransportConfig}; {@link #build()} validates and names the offending key. */
    public static final class Builder {
        private String bootstrapServers;
        private String clientId = "sinew-relay";
        private Duration deliveryTimeout = Duration.ofSeconds(15);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration maxBlock = Duration.ofSeconds(5);
        private Duration linger = Duration.ofMillis(5);
        private int maxInFlight = 5;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Required: {@code host:port[,host:port...]}. */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Producer client id (default {@code sinew-relay}); shows up in broker logs and metrics. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** Upper bound on reporting a record's success or failure after send (default 15 s). */
        public Builder deliveryTimeout(Duration d) {
            this.deliveryTimeout = d;
            return this;
        }

        /** How long one produce request may wait for the broker (default 5 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        /** How long a send may block for metadata or buffer space (default 5 s). */
        public Builder maxBlock(Duration d) {
            this.maxBlock = d;
            return this;
        }

        /** How long the producer waits to fill a batch (default 5 ms). */
        public Builder linger(Duration d) {
            this.linger = d;
            return this;
        }

        /** Produce requests in flight per connection, 1 to 5 (default 5). */
        public Builder maxInFlight(int n) {
            this.maxInFlight = n;
            return this;
        }

        /** Any other producer property (e.g. {@code compression.type}). */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "property key"), Objects.requireNonNull(value, "property value for " + key));
            return this;
        }

        public Builder properties(Map<String, String> props) {
            props.forEach(this::property);
            return this;
        }

        public KafkaTransportConfig build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap-servers: " + bootstrapServers
                        + " is not allowed; expected host:port[,host:port...]");
            }
            for (String s : bootstrapServers.split(",")) {
                String t = s.trim();
                int colon = t.lastIndexOf(':');
                if (colon <= 0 || colon == t.length() - 1 || !t.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("bootstrap-servers: '" + bootstrapServers
                            + "' is not allowed; expected host:port[,host:port...], '" + t + "' has no port");
                }
            }
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalArgumentException("client-id: '" + clientId + "' is not allowed; expected a non-empty name");
            }
            positive("delivery-timeout", deliveryTimeout);
            positive("request-timeout", requestTimeout);
            positive("max-block", maxBlock);
            if (linger == null || linger.isNegative()) {
                throw new IllegalArgumentException("linger: " + linger + " is not allowed; expected zero or a positive duration");
            }
            if (maxInFlight < 1 || maxInFlight > 5) {
                throw new IllegalArgumentException("max-in-flight: " + maxInFlight
                        + " is not allowed; expected an integer from 1 to 5 (the idempotent producer keeps order only up to 5)");
            }
            if (deliveryTimeout.compareTo(linger.plus(requestTimeout)) < 0) {
                throw new IllegalArgumentException("delivery-timeout: " + deliveryTimeout
                        + " is not allowed; expected at least linger + request-timeout (" + linger.plus(requestTimeout) + ")");
            }
            for (Map.Entry<String, String> e : properties.entrySet()) {
                String k = e.getKey();
                String v = e.getValue().trim();
                switch (k) {
                    case ProducerConfig.ACKS_CONFIG -> {
                        if (!v.equals("all") && !v.equals("-1")) {
                            throw refused(k, v, "all (durability needs every in-sync replica)");
                        }
                    }
                    case ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG -> {
                        if (!v.equalsIgnoreCase("true")) {
                            throw refused(k, v, "true (retries must not duplicate or reorder)");
                        }
                    }
                    case ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION -> throw refused(k, v, "unset; use maxInFlight(1..5)");
                    case ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProducerConfig.CLIENT_ID_CONFIG,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, ProducerConfig.LINGER_MS_CONFIG ->
                            throw refused(k, v, "unset; it is set by the transport (use the builder method)");
                    case ProducerConfig.TRANSACTIONAL_ID_CONFIG -> throw refused(k, v, "unset; the transport is not transactional");
                    default -> {
                    }
                }
            }
            return new KafkaTransportConfig(this);
        }

        private static IllegalArgumentException refused(String key, String value, String expected) {
            return new IllegalArgumentException("properties." + key + ": " + value + " is not allowed; expected " + expected);
        }

        private static void positive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + ": " + d + " is not allowed; expected a positive duration");
            }
        }
    }
}
