package dev.sinew.shop.service;

import dev.sinew.shop.runtime.Json;
import dev.sinew.time.DurationFormat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service's anti-entropy for the inventory handoff: an accepted order whose inventory
 * outcome has not arrived {@code after} its OrderPlaced (default 60 s,
 * {@code -Dsinew.shop.repair.after=30s}) gets its OrderPlaced published again, at most once per
 * {@code after}, and only once that OrderPlaced has left the outbox (while the broker is down it is
 * waiting, not lost). Inventory decides once per order id (a second OrderPlaced for a decided order is
 * ignored), so this is safe whatever happened to the first message; it turns a message lost
 * anywhere on the way (a bug, an operator deleting a topic, a restored backup) into a delay instead
 * of an order that never ships. Every repair is logged (WARN, with the order id), counted in
 * {@code shop.reconciliation.repairs} and in the order's {@code placed_republished} column, so
 * the audit and the alerts can tell a repaired order from one that went through cleanly.
 */
final class PlacementRepair {

    static final String COUNTER = "shop.reconciliation.repairs";
    static final Duration DEFAULT_AFTER = Duration.ofSeconds(60);
    private static final int MAX_PER_ROUND = 100;
    private static final Logger log = LoggerFactory.getLogger(PlacementRepair.class);

    private final DataSource dataSource;
    private final Messaging messaging;
    private final Duration after;
    private final LongSupplier clockMillis;
    private final Counter repairs;

    PlacementRepair(DataSource dataSource, Messaging messaging, Duration after, LongSupplier clockMillis,
                    MeterRegistry meters) {
        this.dataSource = dataSource;
        this.messaging = messaging;
        this.after = after;
        this.clockMillis = clockMillis;
        this.repairs = Counter.builder(COUNTER).tag("kind", "order_placed_republished")
                .description("OrderPlaced messages published again because no inventory outcome arrived in time")
                .register(meters);
    }

    /** The threshold from {@code -Dsinew.shop.repair.after} (a duration like 30s or 2m), default 60 s. */
    static Duration configuredAfter() {
        String v = System.getProperty("sinew.shop.repair.after");
        return v == null || v.isBlank() ? DEFAULT_AFTER : DurationFormat.parse(v.trim());
    }

    void runEvery(ScheduledExecutorService scheduler, long millis) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                repair();
            } catch (Exception e) {
                log.warn("placement repair failed, trying again in {} ms: {}", millis, e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** One round: republishes for every overdue order (at most 100); returns how many. */
    int repair() throws SQLException {
        long now = clockMillis.getAsLong();
        long cutoff = now - after.toMillis();
        List<String> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             // only orders whose OrderPlaced has left the outbox: one still waiting there (broker down) is not lost
             PreparedStatement ps = c.prepareStatement("SELECT o.id FROM orders o WHERE o.inventory_status = 'PENDING' "
                     + "AND COALESCE(o.placed_republished_ms, o.created_ms) < ? AND NOT EXISTS (SELECT 1 FROM sinew_outbox m "
                     + "WHERE m.msg_key = o.id AND m.topic = '" + Messaging.ORDERS_TOPIC + "' AND m.sent_ms IS NULL) "
                     + "ORDER BY o.created_ms")) {
            ps.setLong(1, cutoff);
            ps.setMaxRows(MAX_PER_ROUND);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getString(1));
                }
            }
        }
        int done = 0;
        for (String id : due) {
            if (republish(id, cutoff, now)) {
                done++;
            }
        }
        return done;
    }

    /** Publishes the order's OrderPlaced again in one transaction with the bookkeeping; false if no longer due. */
    private boolean republish(String id, long cutoff, long now) throws SQLException {
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            try {
                ObjectNode placed;
                int attempt;
                try (PreparedStatement ps = tx.prepareStatement("UPDATE orders SET placed_republished_ms = ?, "
                        + "placed_republished = placed_republished + 1 WHERE id = ? AND inventory_status = 'PENDING' "
                        + "AND COALESCE(placed_republished_ms, created_ms) < ?")) {
                    ps.setLong(1, now);
                    ps.setString(2, id);
                    ps.setLong(3, cutoff);
                    if (ps.executeUpdate() == 0) {
                        tx.rollback();
                        return false; // decided or repaired meanwhile
                    }
                }
                try (PreparedStatement ps = tx.prepareStatement(
                        "SELECT user_name, total_cents, items, placed_republished FROM orders WHERE id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        placed = OrderService.orderPlaced(id, rs.getString(1), rs.getLong(2), Json.parse(rs.getString(3)));
                        attempt = rs.getInt(4);
                    }
                }
                messaging.publish(tx, Messaging.ORDERS_TOPIC, id, Json.write(placed).getBytes(StandardCharsets.UTF_8));
                tx.commit();
                repairs.increment();
                log.warn("order {}: no inventory outcome {} after OrderPlaced; published it again (repair {})", id,
                        DurationFormat.format(after), attempt);
                return true;
            } catch (SQLException | RuntimeException e) {
                tx.rollback();
                throw e;
            }
        }
    }
}
