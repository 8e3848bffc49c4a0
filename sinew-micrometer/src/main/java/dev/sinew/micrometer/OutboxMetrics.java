package dev.sinew.micrometer;

import dev.sinew.outbox.DeadLetters;
import dev.sinew.outbox.Lag;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges for the outbox of one database: unsent rows ({@code sinew.outbox.lag.rows}), the age of
 * the oldest unsent row ({@code sinew.outbox.lag.oldest}, seconds) and the number of dead letters
 * ({@code sinew.outbox.dead.letters}).
 *
 * <p>Counting needs two {@code COUNT(*)} queries, too much to run on every scrape (and a scrape
 * must not wait for a slow database). So one daemon thread runs them every refresh interval
 * (default 5 s, at least 1 s) and the gauges return the last values: they are at most one interval
 * old. When the queries fail the gauges read NaN until they succeed again, so a stale lag is never
 * mistaken for a current one; the failure is logged once per streak.
 *
 * <pre>{@code
 * MetricsBinding outbox = OutboxMetrics.bind(meterRegistry, dataSource);
 * }</pre>
 */
public final class OutboxMetrics implements MetricsBinding {

    private static final Logger log = LoggerFactory.getLogger(OutboxMetrics.class);
    private static final Values UNKNOWN = new Values(Double.NaN, Double.NaN, Double.NaN);

    private final DataSource dataSource;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final OwnedMeters owned;
    private final ScheduledExecutorService refresher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Values values = UNKNOWN;
    private boolean failing; // only touched by refresh, which runs on one thread at a time

    private OutboxMetrics(Builder b, MeterRegistry registry) {
        this.dataSource = b.dataSource;
        this.deadLetters = DeadLetters.of(b.dataSource);
        this.clock = b.clock;
        this.owned = new OwnedMeters(registry);
        owned.own(Gauge.builder(MeterNames.OUTBOX_LAG_ROWS, this, m -> m.values.rows)
                .description("Committed outbox rows not yet sent to the broker")
                .strongReference(true)
                .register(registry));
        owned.own(TimeGauge.builder(MeterNames.OUTBOX_LAG_OLDEST, this, TimeUnit.SECONDS, m -> m.values.oldestSeconds)
                .description("Age of the oldest unsent outbox row (0 when none waits)")
                .strongReference(true)
                .register(registry));
        owned.own(Gauge.builder(MeterNames.OUTBOX_DEAD_LETTERS, this, m -> m.values.deadLetters)
                .description("Messages the inbox gave up on, waiting for a redrive")
                .strongReference(true)
                .register(registry));
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sinew-outbox-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, b.refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Gauges for the outbox in {@code dataSource}, refreshed every 5 s. */
    public static OutboxMetrics bind(MeterRegistry registry, DataSource dataSource) {
        return builder(dataSource).bind(registry);
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Runs the queries now, on the calling thread, and updates the gauges; throws what the database
     * threw (after setting the gauges to NaN). The background refresh calls the same code.
     */
    public synchronized void refresh() throws SQLException {
        try {
            Lag lag = Lag.measure(dataSource, clock);
            long dead = deadLetters.count();
            values = new Values(lag.unsentRows(), lag.oldestAge().toMillis() / 1000.0, dead);
        } catch (SQLException | RuntimeException e) {
            values = UNKNOWN;
            throw e;
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (failing) {
                log.info("sinew-micrometer: outbox metrics are readable again");
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                log.warn("sinew-micrometer: cannot read the outbox lag or dead letters, gauges read NaN until it works: {}",
                        e.toString());
                failing = true;
            }
        }
    }

    /** Stops the refresh thread and removes the gauges. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            refresher.shutdownNow();
            owned.removeAll();
        }
    }

    private record Values(double rows, double oldestSeconds, double deadLetters) {
    }

    /** Configures an {@link OutboxMetrics}. */
    public static final class Builder {
        private final DataSource dataSource;
        private Duration refreshInterval = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** How often the queries run, at least 1 s. Default 5 s. */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = interval;
            return this;
        }

        /** The wall clock the age of the oldest row is measured with (the outbox's). Default: system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Validates, registers the gauges in {@code registry} and starts the refresh thread. */
        public OutboxMetrics bind(MeterRegistry registry) {
            Objects.requireNonNull(registry, "registry");
            if (refreshInterval == null || refreshInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("refresh-interval: " + refreshInterval
                        + " is not allowed; use at least 1s (each refresh runs two COUNT queries)");
            }
            return new OutboxMetrics(this, registry);
        }
    }
}
