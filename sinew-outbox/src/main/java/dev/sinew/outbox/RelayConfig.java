package dev.sinew.outbox;

import dev.sinew.retry.RandomSource;
import java.time.Clock;
import java.time.Duration;

/**
 * Settings of a {@link Relay}. Immutable; build with {@link #builder()}; {@link Builder#build()}
 * throws {@link IllegalArgumentException} naming the key, the value and what is allowed.
 *
 * <table>
 * <caption>Keys and defaults</caption>
 * <tr><td>{@code name}</td><td>"relay"</td><td>prefix of the relay's owner id in the lease table</td></tr>
 * <tr><td>{@code batch-size}</td><td>200</td><td>rows claimed and sent per transaction (1 to 10000)</td></tr>
 * <tr><td>{@code poll-interval}</td><td>100ms</td><td>longest wait after a claim that found nothing to send</td></tr>
 * <tr><td>{@code poll-interval-min}</td><td>5ms</td><td>the wait after the first empty claim that follows traffic; it
 * doubles with each further empty claim up to poll-interval</td></tr>
 * <tr><td>{@code lease-duration}</td><td>10s</td><td>a partition lease not renewed for this long can be taken over</td></tr>
 * <tr><td>{@code lease-renew-interval}</td><td>3s</td><td>how often leases and the heartbeat are renewed and rebalanced; below lease-duration</td></tr>
 * <tr><td>{@code backoff-initial} / {@code backoff-max}</td><td>100ms / 10s</td><td>decorrelated-jitter backoff while the transport or database fails</td></tr>
 * <tr><td>{@code retention}</td><td>1h</td><td>sent rows are deleted after this</td></tr>
 * <tr><td>{@code purge-interval}</td><td>1m</td><td>how often the purge runs</td></tr>
 * <tr><td>{@code close-timeout}</td><td>10s</td><td>how long close() waits for the batch in flight</td></tr>
 * <tr><td>{@code late-commit-window}</td><td>2s</td><td>a claim skips rows proven sent at least this long ago; a
 * producer transaction that commits later than this after inserting its row is sent by the next sweep</td></tr>
 * <tr><td>{@code sweep-interval}</td><td>10s</td><td>how often a claim ignores those floors and looks from the start of each partition</td></tr>
 * <tr><td>{@code clock}</td><td>UTC system clock</td><td>wall clock for lease expiry, sent time, purge and lag</td></tr>
 * </table>
 */
public final class RelayConfig {

    private final String name;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration pollIntervalMin;
    private final Duration leaseDuration;
    private final Duration leaseRenewInterval;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Duration retention;
    private final Duration purgeInterval;
    private final Duration closeTimeout;
    private final Duration lateCommitWindow;
    private final Duration sweepInterval;
    private final Clock clock;
    private final RandomSource random;

    private RelayConfig(Builder b) {
        name = b.name;
        batchSize = b.batchSize;
        pollInterval = b.pollInterval;
        pollIntervalMin = b.pollIntervalMin;
        leaseDuration = b.leaseDuration;
        leaseRenewInterval = b.leaseRenewInterval;
        backoffInitial = b.backoffInitial;
        backoffMax = b.backoffMax;
        retention = b.retention;
        purgeInterval = b.purgeInterval;
        closeTimeout = b.closeTimeout;
        lateCommitWindow = b.lateCommitWindow;
        sweepInterval = b.sweepInterval;
        clock = b.clock;
        random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RelayConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.batchSize = batchSize;
        b.pollInterval = pollInterval;
        b.pollIntervalMin = pollIntervalMin;
        b.leaseDuration = leaseDuration;
        b.leaseRenewInterval = leaseRenewInterval;
        b.backoffInitial = backoffInitial;
        b.backoffMax = backoffMax;
        b.retention = retention;
        b.purgeInterval = purgeInterval;
        b.closeTimeout = closeTimeout;
        b.lateCommitWindow = lateCommitWindow;
        b.sweepInterval = sweepInterval;
        b.clock = clock;
        b.random = random;
        return b;
    }

    public String name() {
        return name;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public Duration pollIntervalMin() {
        return pollIntervalMin;
    }

    public Duration leaseDuration() {
        return leaseDuration;
    }

    public Duration leaseRenewInterval() {
        return leaseRenewInterval;
    }

    public Duration backoffInitial() {
        return backoffInitial;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    public Duration retention() {
        return retention;
    }

    public Duration purgeInterval() {
        return purgeInterval;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public Duration lateCommitWindow() {
        return lateCommitWindow;
    }

    public Duration sweepInterval() {
        return sweepInterval;
    }

    public Clock clock() {
        return clock;
    }

    public RandomSource random() {
        return random;
    }

    /** Builds a {@link RelayConfig}. */
    public static final class Builder {
        private String name = "relay";
        private int batchSize = 200;
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration pollIntervalMin = Duration.ofMillis(5);
        private Duration leaseDuration = Duration.ofSeconds(10);
        private Duration leaseRenewInterval = Duration.ofSeconds(3);
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(10);
        private Duration retention = Duration.ofHours(1);
        private Duration purgeInterval = Duration.ofMinutes(1);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Duration lateCommitWindow = Duration.ofSeconds(2);
        private Duration sweepInterval = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private RandomSource random = RandomSource.threadLocal();

        private Builder() {
        }

        /** Prefix of the owner id ({@code name}): 1 to 100 characters. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Rows per batch ({@code batch-size}). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Longest idle wait ({@code poll-interval}). */
        public Builder pollInterval(Duration d) {
            this.pollInterval = d;
            return this;
        }

        /**
         * First idle wait after traffic ({@code poll-interval-min}); doubles per empty claim up to
         * poll-interval. A value at or above poll-interval makes every idle wait poll-interval.
         */
        public Builder pollIntervalMin(Duration d) {
            this.pollIntervalMin = d;
            return this;
        }

        /** Lease lifetime without renewal ({@code lease-duration}). */
        public Builder leaseDuration(Duration d) {
            this.leaseDuration = d;
            return this;
        }

        /** Renewal period ({@code lease-renew-interval}), less than the lease duration. */
        public Builder leaseRenewInterval(Duration d) {
            this.leaseRenewInterval = d;
            return this;
        }

        /** Backoff while failing ({@code backoff-initial}, {@code backoff-max}). */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** How long sent rows are kept ({@code retention}). */
        public Builder retention(Duration d) {
            this.retention = d;
            return this;
        }

        /** How often to purge ({@code purge-interval}). */
        public Builder purgeInterval(Duration d) {
            this.purgeInterval = d;
            return this;
        }

        /** How long close() waits ({@code close-timeout}). */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = d;
            return this;
        }

        /**
         * How old a proof that a partition was drained must be before claims start above it
         * ({@code late-commit-window}): longer than nearly all producer transactions.
         */
        public Builder lateCommitWindow(Duration d) {
            this.lateCommitWindow = d;
            return this;
        }

        /** How often a claim looks from the start of each partition ({@code sweep-interval}). */
        public Builder sweepInterval(Duration d) {
            this.sweepInterval = d;
            return this;
        }

        /** Wall clock ({@code clock}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Randomness for jitter ({@code random}). */
        public Builder random(RandomSource random) {
            this.random = random;
            return this;
        }

        public RelayConfig build() {
            if (name == null || name.isBlank() || name.length() > 100) {
                throw ConfigChecks.bad("name", name == null ? "null" : "'" + name + "'", "1 to 100 characters");
            }
            ConfigChecks.intRange("batch-size", batchSize, 1, 10_000);
            ConfigChecks.positive("poll-interval", pollInterval);
            ConfigChecks.positive("poll-interval-min", pollIntervalMin);
            ConfigChecks.positive("lease-duration", leaseDuration);
            ConfigChecks.positive("lease-renew-interval", leaseRenewInterval);
            if (leaseRenewInterval.compareTo(leaseDuration) >= 0) {
                throw ConfigChecks.bad("lease-renew-interval", leaseRenewInterval,
                        "a duration shorter than lease-duration (" + leaseDuration + ")");
            }
            ConfigChecks.positive("backoff-initial", backoffInitial);
            ConfigChecks.positive("backoff-max", backoffMax);
            if (backoffMax.compareTo(backoffInitial) < 0) {
                throw ConfigChecks.bad("backoff-max", backoffMax, "at least backoff-initial (" + backoffInitial + ")");
            }
            ConfigChecks.positive("retention", retention);
            ConfigChecks.positive("purge-interval", purgeInterval);
            ConfigChecks.positive("close-timeout", closeTimeout);
            ConfigChecks.positive("late-commit-window", lateCommitWindow);
            ConfigChecks.positive("sweep-interval", sweepInterval);
            ConfigChecks.notNull("clock", clock);
            ConfigChecks.notNull("random", random);
            return new RelayConfig(this);
        }
    }
}
