package dev.sinew.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.outbox.Outbox;
import dev.sinew.outbox.OutboxConfig;
import dev.sinew.outbox.store.Schema;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox gauges on a real (in-memory H2) outbox: lag rows, oldest age, dead letters, refresh. */
class OutboxMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JdbcDataSource ds = new JdbcDataSource();
    private OutboxMetrics metrics;

    OutboxMetricsTest() {
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void close() {
        if (metrics != null) {
            metrics.close();
        }
    }

    @Test
    void gaugesShowUnsentRowsTheirAgeAndDeadLetters() throws Exception {
        Schema.migrate(ds);
        Clock publishedAt = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        Outbox outbox = Outbox.create(ds, OutboxConfig.builder().clock(publishedAt).build());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, "orders", "1", new byte[] {1}, Map.of());
            outbox.publish(c, "orders", "2", new byte[] {2}, Map.of());
            c.commit();
        }
        insertDeadLetter();

        metrics = OutboxMetrics.builder(ds).refreshInterval(Duration.ofHours(1))
                .clock(Clock.offset(publishedAt, Duration.ofSeconds(90))).bind(registry);
        Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .until(() -> registry.get("sinew.outbox.lag.rows").gauge().value() == 2.0);
        assertThat(registry.get("sinew.outbox.lag.oldest").timeGauge().value(TimeUnit.SECONDS)).isEqualTo(90.0);
        assertThat(registry.get("sinew.outbox.dead.letters").gauge().value()).isEqualTo(1.0);
        assertThat(registry.scrape()).contains("sinew_outbox_lag_rows 2", "sinew_outbox_lag_oldest_seconds 90",
                "sinew_outbox_dead_letters 1");

        insertDeadLetter();
        assertThat(registry.get("sinew.outbox.dead.letters").gauge().value())
                .as("no query per scrape: the value waits for the next refresh").isEqualTo(1.0);
        metrics.refresh();
        assertThat(registry.get("sinew.outbox.dead.letters").gauge().value()).isEqualTo(2.0);

        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void unreadableDatabaseReadsNaNNotStaleValues() {
        metrics = OutboxMetrics.builder(ds).refreshInterval(Duration.ofHours(1)).bind(registry); // no tables
        assertThatThrownBy(metrics::refresh).isInstanceOf(SQLException.class);
        assertThat(registry.get("sinew.outbox.lag.rows").gauge().value()).isNaN();
        assertThat(registry.get("sinew.outbox.dead.letters").gauge().value()).isNaN();
    }

    @Test
    void refreshIntervalBelowOneSecondIsRefused() {
        assertThatThrownBy(() -> OutboxMetrics.builder(ds).refreshInterval(Duration.ofMillis(100)).bind(registry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("refresh-interval: ");
    }

    private void insertDeadLetter() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + Schema.DEAD_LETTER + " (consumer, message_id, topic, payload, headers, error,"
                    + " attempts, failed_ms, redrive_requested) VALUES ('inventory', '" + UUID.randomUUID()
                    + "', 'orders', X'01', '', 'boom', 3, 0, FALSE)");
        }
    }
}
