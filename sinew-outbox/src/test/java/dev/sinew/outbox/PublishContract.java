package dev.sinew.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.outbox.store.HeaderCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** publish: transaction semantics, stored form, bad input, lag. Runs on H2 and PostgreSQL. */
abstract class PublishContract extends DbTestBase {

    @Test
    void publishedMessageExistsOnlyIfTheCallersTransactionCommits() throws Exception {
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.defaults());
        String committed;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            committed = outbox.publish(c, "orders", "order-1", "placed".getBytes(), Map.of("trace", "abc"));
            c.commit();
            outbox.publish(c, "orders", "order-2", "rolled back".getBytes(), Map.of());
            assertThat(outbox.lag().unsentRows()).as("uncommitted rows are invisible to the relay").isEqualTo(1);
            c.rollback();
        }
        assertThat(db.count("sinew_outbox")).isEqualTo(1);
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT message_id, topic, msg_key, payload, headers, sent_ms FROM sinew_outbox")) {
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(committed);
                assertThat(rs.getString(2)).isEqualTo("orders");
                assertThat(rs.getString(3)).isEqualTo("order-1");
                assertThat(new String(rs.getBytes(4))).isEqualTo("placed");
                assertThat(HeaderCodec.decode(rs.getString(5))).containsExactly(Map.entry("trace", "abc"));
                rs.getLong(6);
                assertThat(rs.wasNull()).isTrue();
            }
        }
    }

    @Test
    void publishDoesNotCommitForTheCaller() throws Exception {
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.defaults());
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, "orders", null, new byte[0], null);
            // closing without commit discards the transaction
            c.rollback();
        }
        assertThat(db.count("sinew_outbox")).isZero();
    }

    @Test
    void rejectsConnectionsOutsideATransaction() throws Exception {
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.defaults());
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(true);
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", new byte[1], Map.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit")
                    .hasMessageContaining("setAutoCommit(false)");
        }
        Connection closed = db.dataSource().getConnection();
        closed.setAutoCommit(false);
        closed.close();
        assertThatThrownBy(() -> outbox.publish(closed, "orders", "k", new byte[1], Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("connection is closed");
        assertThatThrownBy(() -> outbox.publish(null, "orders", "k", new byte[1], Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connection is null");
        assertThat(db.count("sinew_outbox")).isZero();
    }

    @Test
    void rejectsBadTopicsPayloadsKeysAndHeaders() throws Exception {
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.builder().maxPayloadBytes(1000).maxHeaders(2)
                .maxHeaderBytes(50).build());
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> outbox.publish(c, null, "k", new byte[1], Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("publish: topic is null");
            assertThatThrownBy(() -> outbox.publish(c, "  ", "k", new byte[1], Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("publish: topic is blank");
            assertThatThrownBy(() -> outbox.publish(c, "orders/eu", "k", new byte[1], Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic 'orders/eu' is invalid");
            assertThatThrownBy(() -> outbox.publish(c, "t".repeat(250), "k", new byte[1], Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is invalid");
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", null, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload is null");
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", new byte[1001], Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("publish: payload of 1001 bytes is larger than max-payload-bytes (1000 bytes)");
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k".repeat(1025), new byte[1], Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key has 1025 characters");
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", new byte[1], Map.of("a", "1", "b", "2", "c", "3")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 headers are more than max-headers (2)");
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", new byte[1], Map.of("a", "x".repeat(60))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("headers take 61 bytes, more than max-header-bytes (50 bytes)");
            Map<String, String> nullValue = new HashMap<>();
            nullValue.put("a", null);
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", new byte[1], nullValue))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header 'a' has a null value");
            // the limit itself is fine
            outbox.publish(c, "orders.v1_x-y", "k", new byte[1000], Map.of("a", "x".repeat(49)));
            c.commit();
        }
        assertThat(db.count("sinew_outbox")).isEqualTo(1);
    }

    @Test
    void defaultPayloadLimitIsOneMebibyte() throws Exception {
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.defaults());
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> outbox.publish(c, "orders", "k", new byte[(1 << 20) + 1], Map.of()))
                    .hasMessageContaining("payload of 1048577 bytes is larger than max-payload-bytes (1048576 bytes)");
            outbox.publish(c, "orders", "k", new byte[1 << 20], Map.of());
            c.commit();
        }
        assertThat(db.count("sinew_outbox")).isEqualTo(1);
    }

    @Test
    void lagCountsCommittedUnsentRowsAndTheOldestAge() throws Exception {
        MutableClock clock = new MutableClock();
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.builder().clock(clock).build());
        assertThat(outbox.lag()).isEqualTo(new Lag(0, Duration.ZERO));
        publishCommitted(outbox, db.dataSource(), "orders", "a", "1");
        clock.advance(Duration.ofSeconds(3));
        publishCommitted(outbox, db.dataSource(), "orders", "b", "2");
        clock.advance(Duration.ofSeconds(2));
        assertThat(outbox.lag()).isEqualTo(new Lag(2, Duration.ofSeconds(5)));
        db.execute("UPDATE sinew_outbox SET sent_ms = 1 WHERE msg_key = 'a'");
        assertThat(outbox.lag()).isEqualTo(new Lag(1, Duration.ofSeconds(2)));
    }

    @Test
    void configValidationNamesTheKey() {
        assertThatThrownBy(() -> OutboxConfig.builder().maxPayloadBytes(0).build())
                .hasMessage("max-payload-bytes: 0 is not allowed; expected an integer from 1 to 67108864");
        assertThatThrownBy(() -> OutboxConfig.builder().maxHeaders(-1).build()).hasMessageStartingWith("max-headers: -1");
        assertThatThrownBy(() -> RelayConfig.builder().batchSize(0).build()).hasMessageStartingWith("batch-size: 0");
        assertThatThrownBy(() -> RelayConfig.builder().leaseDuration(Duration.ofSeconds(1))
                .leaseRenewInterval(Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("lease-renew-interval: PT1S is not allowed; expected a duration shorter than lease-duration");
        assertThatThrownBy(() -> RelayConfig.builder().retention(Duration.ZERO).build()).hasMessageStartingWith("retention: PT0S");
        assertThatThrownBy(() -> RelayConfig.builder().pollIntervalMin(Duration.ZERO).build())
                .hasMessageStartingWith("poll-interval-min: PT0S");
        assertThatThrownBy(() -> RelayConfig.builder().lateCommitWindow(Duration.ofMillis(-1)).build())
                .hasMessageStartingWith("late-commit-window: PT-0.001S");
        assertThatThrownBy(() -> RelayConfig.builder().sweepInterval(null).build()).hasMessageStartingWith("sweep-interval");
        assertThatThrownBy(() -> InboxConfig.builder().build()).hasMessageStartingWith("consumer: null");
        assertThatThrownBy(() -> InboxConfig.builder().consumer("c").maxAttempts(0).build())
                .hasMessageStartingWith("max-attempts: 0");
        assertThatThrownBy(() -> InboxConfig.builder().consumer("c")
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build()).hasMessageStartingWith("backoff-max: PT1S");
    }

    @Test
    void sameKeyAlwaysMapsToTheSamePartition() {
        assertThat(Outbox.partitionOf("order-7", "id-1")).isEqualTo(Outbox.partitionOf("order-7", "id-2"));
        assertThat(Outbox.partitionOf(null, "id-1")).isBetween(0, 15);
    }
}
