package dev.sinew.shop.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service's signal that the asynchronous handoff to inventory is stuck:
 * {@code shop.orders.awaiting.inventory.oldest} (seconds; Prometheus
 * {@code shop_orders_awaiting_inventory_oldest_seconds}), the age of the oldest accepted order still
 * without inventory's answer ({@code inventory_status} PENDING), 0 when none waits. Healthy, orders
 * wait well under a second (relay → Kafka → inventory → Kafka → order); it grows by one second per
 * second while inventory, the broker or either relay is down, so an inventory outage that nobody calls
 * synchronously still shows. One indexed query on a background thread, never per scrape; NaN while
 * the query fails.
 */
final class InventoryWait {

    static final String NAME = "shop.orders.awaiting.inventory.oldest";

    private static final Logger log = LoggerFactory.getLogger(InventoryWait.class);

    private final DataSource dataSource;
    private final LongSupplier clockMillis;
    private volatile double oldestSeconds = Double.NaN;

    InventoryWait(DataSource dataSource, LongSupplier clockMillis, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.clockMillis = clockMillis;
        Gauge.builder(NAME, this, w -> w.oldestSeconds).baseUnit("seconds")
                .description("Age of the oldest accepted order still waiting for inventory's answer (0: none waits)")
                .register(meters);
    }

    void refreshEvery(ScheduledExecutorService scheduler, long millis) {
        GaugeRefresh.every(scheduler, millis, this::refresh, log,
                "query for orders awaiting inventory failed, " + NAME + " reads NaN until it works");
    }

    /** Measures now; throws what the database threw, the gauge reads NaN. */
    void refresh() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT MIN(created_ms) FROM orders WHERE inventory_status = 'PENDING'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long oldest = rs.getLong(1);
            oldestSeconds = rs.wasNull() ? 0 : Math.max(0, clockMillis.getAsLong() - oldest) / 1000.0;
        } catch (SQLException | RuntimeException e) {
            oldestSeconds = Double.NaN;
            throw e;
        }
    }

    /** The last measured age in seconds (NaN before the first measurement or while it fails). */
    double oldestSeconds() {
        return oldestSeconds;
    }
}
