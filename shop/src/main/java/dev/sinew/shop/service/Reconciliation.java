package dev.sinew.shop.service;

import dev.sinew.time.DurationFormat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service's reconciliation gauge {@code shop.reconciliation.unresolved}: accepted orders
 * older than a threshold (default 2 min, {@code -Dsinew.shop.reconciliation.after=90s}) that still
 * have no inventory outcome ({@code kind=no_reservation}: {@code inventory_status} PENDING) or no
 * payment outcome ({@code kind=no_payment_outcome}: {@code status} PAYMENT_PENDING). One query every
 * few seconds on a background thread, never per scrape; NaN while the query fails.
 */
final class Reconciliation {

    static final String NAME = "shop.reconciliation.unresolved";
    static final Duration DEFAULT_AFTER = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final DataSource dataSource;
    private final Duration after;
    private final LongSupplier clockMillis;
    private volatile double noReservation = Double.NaN;
    private volatile double noPaymentOutcome = Double.NaN;

    Reconciliation(DataSource dataSource, Duration after, LongSupplier clockMillis, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.after = after;
        this.clockMillis = clockMillis;
        Gauge.builder(NAME, this, r -> r.noReservation).tag("kind", "no_reservation")
                .description("Accepted orders older than the threshold without an inventory outcome").register(meters);
        Gauge.builder(NAME, this, r -> r.noPaymentOutcome).tag("kind", "no_payment_outcome")
                .description("Accepted orders older than the threshold still without a payment outcome").register(meters);
    }

    /** The threshold from {@code -Dsinew.shop.reconciliation.after} (a duration like 90s or 2m), default 2 min. */
    static Duration configuredAfter() {
        String v = System.getProperty("sinew.shop.reconciliation.after");
        return v == null || v.isBlank() ? DEFAULT_AFTER : DurationFormat.parse(v.trim());
    }

    void refreshEvery(ScheduledExecutorService scheduler, long millis) {
        GaugeRefresh.every(scheduler, millis, this::refresh, log,
                "reconciliation query failed, " + NAME + " reads NaN until it works");
    }

    /** Counts now (the background task calls it); throws what the database threw, gauges NaN. */
    void refresh() throws SQLException {
        long cutoff = clockMillis.getAsLong() - after.toMillis();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT "
                     + "COALESCE(SUM(CASE WHEN inventory_status = 'PENDING' THEN 1 ELSE 0 END), 0), "
                     + "COALESCE(SUM(CASE WHEN status = 'PAYMENT_PENDING' THEN 1 ELSE 0 END), 0) "
                     + "FROM orders WHERE created_ms < ? AND (inventory_status = 'PENDING' OR status = 'PAYMENT_PENDING')")) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                noReservation = rs.getLong(1);
                noPaymentOutcome = rs.getLong(2);
            }
        } catch (SQLException | RuntimeException e) {
            noReservation = Double.NaN;
            noPaymentOutcome = Double.NaN;
            throw e;
        }
    }
}
