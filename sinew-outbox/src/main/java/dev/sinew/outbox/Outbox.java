package dev.sinew.outbox;

import dev.sinew.outbox.store.HeaderCodec;
import dev.sinew.outbox.store.Schema;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The producer side of the transactional outbox: {@link #publish} writes a message as a row in
 * the caller's own transaction, so the message exists exactly when the caller's business change
 * commits. A {@link Relay} later sends committed rows to the broker.
 *
 * <p>Thread-safe; create one per database and share it.
 */
public final class Outbox {

    /** Kafka's topic rules: 1 to 249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Longest key in characters (column {@code msg_key VARCHAR(1024)}). */
    public static final int MAX_KEY_LENGTH = 1024;

    private final DataSource dataSource;
    private final OutboxConfig config;

    private Outbox(DataSource dataSource, OutboxConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** Creates or migrates the tables (see {@link Schema#migrate}) and returns the outbox. */
    public static Outbox create(DataSource dataSource, OutboxConfig config) throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(config, "config");
        Schema.migrate(dataSource);
        return new Outbox(dataSource, config);
    }

    public OutboxConfig config() {
        return config;
    }

    /**
     * Inserts a message into the outbox inside the caller's transaction {@code tx}. Nothing is sent
     * unless {@code tx} commits; if it rolls back the message never existed. Does not commit.
     *
     * @param tx      the caller's connection, with auto-commit off (= inside a transaction)
     * @param topic   destination, 1 to 249 characters of {@code [a-zA-Z0-9._-]}
     * @param key     ordering key (messages with the same key are sent in publish order), or null
     * @param payload the body, at most {@code max-payload-bytes}
     * @param headers application headers (may be null or empty)
     * @return the message id, unique, carried to consumers for deduplication
     * @throws IllegalArgumentException for bad input (the message says which and why)
     * @throws IllegalStateException    if {@code tx} is closed or in auto-commit mode
     * @throws SQLException             if the insert itself fails
     */
    public String publish(Connection tx, String topic, String key, byte[] payload, Map<String, String> headers)
            throws SQLException {
        if (tx == null) {
            throw new IllegalArgumentException("publish: connection is null");
        }
        if (tx.isClosed()) {
            throw new IllegalStateException("publish: the connection is closed; publish inside an open transaction");
        }
        if (tx.getAutoCommit()) {
            throw new IllegalStateException("publish: the connection is in auto-commit mode, so the message would "
                    + "not be part of a transaction; call setAutoCommit(false) and publish before commit()");
        }
        checkTopic(topic);
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("publish: key has " + key.length() + " characters, more than the limit of "
                    + MAX_KEY_LENGTH);
        }
        if (payload == null) {
            throw new IllegalArgumentException("publish: payload is null; use an empty array for an empty message");
        }
        if (payload.length > config.maxPayloadBytes()) {
            throw new IllegalArgumentException("publish: payload of " + payload.length
                    + " bytes is larger than max-payload-bytes (" + config.maxPayloadBytes() + " bytes)");
        }
        Map<String, String> h = headers == null ? Map.of() : headers;
        checkHeaders(h);
        String id = UUID.randomUUID().toString();
        int partition = partitionOf(key, id);
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + Schema.OUTBOX
                + " (message_id, topic, msg_key, partition_no, payload, headers, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, topic);
            if (key == null) {
                ps.setNull(3, Types.VARCHAR);
            } else {
                ps.setString(3, key);
            }
            ps.setInt(4, partition);
            ps.setBytes(5, payload);
            ps.setString(6, HeaderCodec.encode(h));
            ps.setLong(7, config.clock().millis());
            ps.executeUpdate();
        }
        return id;
    }

    /** The unsent row count and the age of the oldest unsent row. */
    public Lag lag() throws SQLException {
        return Lag.measure(dataSource, config.clock());
    }

    /**
     * The partition of a message: a hash of its key, so all messages of one key share a partition
     * (and so a relay, and so an order); keyless messages spread by message id.
     */
    static int partitionOf(String key, String messageId) {
        int h = (key != null ? key : messageId).hashCode();
        // MurmurHash3's finalizer: similar keys ("order-1", "order-2") spread over all partitions
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, Schema.PARTITIONS);
    }

    private static void checkTopic(String topic) {
        if (topic == null) {
            throw new IllegalArgumentException("publish: topic is null");
        }
        if (topic.isBlank()) {
            throw new IllegalArgumentException("publish: topic is blank");
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("publish: topic '" + abbreviate(topic)
                    + "' is invalid; expected 1 to 249 characters of letters, digits, '.', '_' or '-'");
        }
    }

    private void checkHeaders(Map<String, String> headers) {
        if (headers.size() > config.maxHeaders()) {
            throw new IllegalArgumentException("publish: " + headers.size() + " headers are more than max-headers ("
                    + config.maxHeaders() + ")");
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("publish: a header name is null or blank");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("publish: header '" + e.getKey() + "' has a null value");
            }
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > config.maxHeaderBytes()) {
            throw new IllegalArgumentException("publish: headers take " + bytes + " bytes, more than max-header-bytes ("
                    + config.maxHeaderBytes() + " bytes)");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
