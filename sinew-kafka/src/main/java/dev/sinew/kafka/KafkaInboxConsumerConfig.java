package dev.sinew.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Immutable settings of a {@link KafkaInboxConsumer}. Fixed, not options: {@code enable.auto.commit=false}
 * (offsets are committed by the loop, only after the inbox settled the record) and
 * {@code isolation.level=read_committed}. New groups start at the earliest offset, so nothing
 * published before the group first joined is skipped.
 */
public final class KafkaInboxConsumerConfig {

    private final String bootstrapServers;
    private final String groupId;
    private final List<String> topics;
    private final String clientId;
    private final Duration pollTimeout;
    private final Duration sessionTimeout;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Duration redriveInterval;
    private final Duration closeTimeout;
    private final int maxPollRecords;
    private final Map<String, String> properties;

    private KafkaInboxConsumerConfig(Builder b) {
        bootstrapServers = b.bootstrapServers;
        groupId = b.groupId;
        topics = List.copyOf(b.topics);
        clientId = b.clientId != null ? b.clientId : b.groupId;
        pollTimeout = b.pollTimeout;
        sessionTimeout = b.sessionTimeout;
        backoffInitial = b.backoffInitial;
        backoffMax = b.backoffMax;
        redriveInterval = b.redriveInterval;
        closeTimeout = b.closeTimeout;
        maxPollRecords = b.maxPollRecords;
        properties = Map.copyOf(b.properties);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.groupId = groupId;
        b.topics = topics;
        b.clientId = clientId;
        b.pollTimeout = pollTimeout;
        b.sessionTimeout = sessionTimeout;
        b.backoffInitial = backoffInitial;
        b.backoffMax = backoffMax;
        b.redriveInterval = redriveInterval;
        b.closeTimeout = closeTimeout;
        b.maxPollRecords = maxPollRecords;
        b.properties.putAll(properties);
        return b;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String groupId() {
        return groupId;
    }

    public List<String> topics() {
        return topics;
    }

    public String clientId() {
        return clientId;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration backoffInitial() {
        return backoffInitial;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    public Duration redriveInterval() {
        return redriveInterval;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public int maxPollRecords() {
        return maxPollRecords;
    }

    public Map<String, String> properties() {
        return properties;
    }

    /** The complete consumer configuration. */
    public Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(Math.max(100, sessionTimeout.toMillis() / 5)));
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.putAll(properties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(sessionTimeout.toMillis()));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Builds a {@link KafkaInboxConsumerConfig}; {@link #build()} validates and names the offending key. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId;
        private List<String> topics = List.of();
        private String clientId;
        private Duration pollTimeout = Duration.ofMillis(500);
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private Duration backoffInitial = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(5);
        private Duration redriveInterval = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private int maxPollRecords = 500;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Required: {@code host:port[,host:port...]}. */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Required: the consumer group; members of one group share the partitions. */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Required: at least one topic. */
        public Builder topics(String... topics) {
            this.topics = List.of(topics);
            return this;
        }

        public Builder topics(List<String> topics) {
            this.topics = List.copyOf(topics);
            return this;
        }

        /** Consumer client id (default: the group id). */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** How long one poll waits for records (default 500 ms); also bounds how late close() is noticed. */
        public Builder pollTimeout(Duration d) {
            this.pollTimeout = d;
            return this;
        }

        /**
         * How long the group waits for a silent member before giving its partitions to others
         * (default 10 s; the broker allows 6 s to 300 s). Shorter means faster recovery after a
         * consumer crash.
         */
        public Builder sessionTimeout(Duration d) {
            this.sessionTimeout = d;
            return this;
        }

        /** Backoff while the inbox's database is unusable: jittered, from initial doubling to max (default 200 ms .. 5 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** How often to run dead letters marked for redrive (default 5 s); {@link Duration#ZERO} disables. */
        public Builder redriveInterval(Duration d) {
            this.redriveInterval = d;
            return this;
        }

        /** How long close() waits for the loop to finish the record in hand (default 10 s). */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = d;
            return this;
        }

        /** Most records per poll (default 500). */
        public Builder maxPollRecords(int n) {
            this.maxPollRecords = n;
            return this;
        }

        /** Any other consumer property (e.g. {@code group.instance.id} for static membership). */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "property key"), Objects.requireNonNull(value, "property value for " + key));
            return this;
        }

        public KafkaInboxConsumerConfig build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap-servers: " + bootstrapServers
                        + " is not allowed; expected host:port[,host:port...]");
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("group-id: '" + groupId + "' is not allowed; expected a non-empty name");
            }
            if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
                throw new IllegalArgumentException("topics: " + topics + " is not allowed; expected one or more topic names");
            }
            if (clientId != null && clientId.isBlank()) {
                throw new IllegalArgumentException("client-id: '" + clientId + "' is not allowed; expected a non-empty name");
            }
            positive("poll-timeout", pollTimeout);
            positive("session-timeout", sessionTimeout);
            positive("backoff-initial", backoffInitial);
            positive("backoff-max", backoffMax);
            positive("close-timeout", closeTimeout);
            if (backoffMax.compareTo(backoffInitial) < 0) {
                throw new IllegalArgumentException("backoff-max: " + backoffMax + " is not allowed; expected at least backoff-initial ("
                        + backoffInitial + ")");
            }
            if (redriveInterval == null || redriveInterval.isNegative()) {
                throw new IllegalArgumentException("redrive-interval: " + redriveInterval
                        + " is not allowed; expected a positive duration, or zero to disable");
            }
            if (maxPollRecords < 1 || maxPollRecords > 10_000) {
                throw new IllegalArgumentException("max-poll-records: " + maxPollRecords
                        + " is not allowed; expected an integer from 1 to 10000");
            }
            for (Map.Entry<String, String> e : properties.entrySet()) {
                String k = e.getKey();
                String v = e.getValue().trim();
                switch (k) {
                    case ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG -> {
                        if (!v.equalsIgnoreCase("false")) {
                            throw refused(k, v, "false (offsets are committed only after the inbox transaction)");
                        }
                    }
                    case ConsumerConfig.ISOLATION_LEVEL_CONFIG -> {
                        if (!v.equals("read_committed")) {
                            throw refused(k, v, "read_committed");
                        }
                    }
                    case ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
                            ConsumerConfig.CLIENT_ID_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                            ConsumerConfig.MAX_POLL_RECORDS_CONFIG ->
                            throw refused(k, v, "unset; it is set by the consumer (use the builder method)");
                    default -> {
                    }
                }
            }
            return new KafkaInboxConsumerConfig(this);
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
