package dev.sinew.outbox;

import dev.sinew.outbox.store.Dialect;
import dev.sinew.outbox.store.HeaderCodec;
import dev.sinew.outbox.store.Schema;
import dev.sinew.retry.Backoff;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background worker that sends committed outbox rows to a {@link Transport} and marks them sent.
 *
 * <p><b>How.</b> Every message belongs to one of {@value Schema#PARTITIONS} partitions (a hash of its
 * key). A relay works only on partitions it holds a lease on (table {@code sinew_outbox_lease}: owner
 * and expiry, renewed every {@code lease-renew-interval}). Relays announce themselves with a
 * heartbeat row ({@code sinew_outbox_relay}) and each takes a fair share of the partitions
 * (the partitions divided by the live relays, the remainder going to the first relays in owner order), releasing extras and taking over free or expired leases.
 * One batch is one transaction: lock the relay's own lease rows ({@code FOR UPDATE}), claim the
 * oldest unsent rows of those partitions ({@code SELECT ... ORDER BY id LIMIT n FOR UPDATE SKIP
 * LOCKED}), {@link Transport#send} them, set {@code sent_ms}, commit.
 *
 * <p><b>Why it keeps order per key and does not double-send.</b> Locking the lease row fences the
 * partition: a relay that takes over an expired lease must lock that row first ({@code SKIP LOCKED},
 * so it never waits), which it can only do after the previous owner's batch committed or rolled
 * back. So at any moment at most one transaction sends rows of a partition, always starting from
 * the oldest unsent row. If the transport fails, the transaction rolls back, the relay backs off
 * (decorrelated jitter) and retries the same rows in the same order. A crash between send and
 * commit re-sends that batch (at-least-once; consumers deduplicate by message id).
 *
 * <p>Sent rows are deleted after {@code retention}. {@link #close()} finishes the batch in flight,
 * releases the leases and leaves. The relay does not close the transport.
 */
public final class Relay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final DataSource dataSource;
    private final Transport transport;
    private final RelayConfig config;
    private final String owner;
    private final Backoff backoff;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean releaseOnExit = true;
    private volatile Set<Integer> owned = Set.of();
    private volatile int failures;
    private Connection connection;
    private boolean customPlans;
    private int rotation;
    private final ClaimFloors floors;
    private Set<Integer> claimedLast = Set.of();
    private static final int MARK_CHUNK = 1000;

    private Relay(DataSource dataSource, Transport transport, RelayConfig config) {
        this.dataSource = dataSource;
        this.transport = transport;
        this.config = config;
        this.owner = config.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.backoff = Backoff.decorrelatedJitter(config.backoffInitial(), config.backoffMax());
        this.floors = new ClaimFloors(Schema.PARTITIONS, config.lateCommitWindow().toMillis(),
                config.sweepInterval().toMillis(), config.clock().millis());
        this.thread = new Thread(this::run, "sinew-relay-" + owner);
        this.thread.setDaemon(true);
    }

    /** Creates or migrates the tables and starts a relay thread. */
    public static Relay start(DataSource dataSource, Transport transport, RelayConfig config) throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(config, "config");
        Schema.migrate(dataSource);
        Relay relay = new Relay(dataSource, transport, config);
        relay.thread.start();
        log.info("relay {} started", relay.owner);
        return relay;
    }

    /** This relay's id in the lease table. */
    public String ownerId() {
        return owner;
    }

    /** The partitions this relay held at its last lease renewal. */
    public Set<Integer> ownedPartitions() {
        return owned;
    }

    /** Messages this relay has sent and marked sent. */
    public long sentCount() {
        return sent.get();
    }

    /** True while the last attempt failed (transport or database) and the relay is backing off. */
    public boolean failing() {
        return failures > 0;
    }

    public RelayConfig config() {
        return config;
    }

    /** Unsent rows in the outbox (all partitions) and the age of the oldest. */
    public Lag lag() throws SQLException {
        return Lag.measure(dataSource, config.clock());
    }

    /** Stops after the batch in flight, releases this relay's leases, and returns. Idempotent. */
    @Override
    public void close() {
        running = false;
        signal();
        try {
            thread.join(config.closeTimeout().toMillis());
            if (thread.isAlive()) {
                log.warn("relay {} did not stop within close-timeout {}; interrupting it", owner, config.closeTimeout());
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops without releasing leases, as a crashed process would; for tests of lease takeover. */
    void abandon() {
        releaseOnExit = false;
        close();
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pause(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (running && left > 0) {
                left = wake.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long nextMaintain = Long.MIN_VALUE;
        long nextPurge = Long.MIN_VALUE;
        long resumeAt = 0;
        long previousDelay = 0;
        long renewMs = config.leaseRenewInterval().toMillis();
        long purgeMs = config.purgeInterval().toMillis();
        long pollNanos = config.pollInterval().toNanos();
        long minPollNanos = Math.min(pollNanos, config.pollIntervalMin().toNanos());
        int idle = 0;
        boolean probe = true;
        try {
            while (running) {
                try {
                    Connection c = connection();
                    long now = config.clock().millis();
                    if (now >= nextMaintain) {
                        maintain(c, now);
                        nextMaintain = now + renewMs;
                    }
                    long wait = resumeAt - System.nanoTime();
                    if (failures > 0 && wait > 0) {
                        pause(Math.min(wait, config.leaseRenewInterval().toNanos()));
                        continue;
                    }
                    if (now >= nextPurge) {
                        purge(c, now);
                        nextPurge = now + purgeMs;
                    }
                    int n = owned.isEmpty() ? 0 : sendBatch(c, probe);
                    if (failures > 0) {
                        log.info("relay {} resumed after {} failed attempts", owner, failures);
                        failures = 0;
                        previousDelay = 0;
                    }
                    // A full batch: more is probably waiting, claim again at once. A partial batch: rows
                    // committed while it was being sent wait for the next claim, so claim again at once
                    // too (behind a cheap probe) instead of sleeping a poll interval: under steady traffic
                    // a message waits about one batch cycle, not a poll interval. Only a claim that found
                    // nothing sleeps.
                    probe = n < config.batchSize();
                    // Only a claim that found nothing waits: poll-interval-min after traffic, doubling
                    // with every further empty claim up to poll-interval. Under steady traffic a
                    // message that just missed a claim waits milliseconds, not a poll interval; an idle
                    // relay still polls only every poll-interval.
                    if (n == 0) {
                        pause(Math.min(pollNanos, minPollNanos << Math.min(idle, 20)));
                        idle++;
                    } else {
                        idle = 0;
                    }
                } catch (TransportFailure e) {
                    failures++;
                    previousDelay = backoff.delayNanos(failures, previousDelay, config.random());
                    resumeAt = System.nanoTime() + previousDelay;
                    logFailure("transport", e.getCause(), previousDelay);
                } catch (SQLException | RuntimeException e) {
                    closeConnection();
                    failures++;
                    previousDelay = backoff.delayNanos(failures, previousDelay, config.random());
                    resumeAt = System.nanoTime() + previousDelay;
                    nextMaintain = Long.MIN_VALUE;
                    logFailure("database", e, previousDelay);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (releaseOnExit) {
                release();
            }
            closeConnection();
            owned = Set.of();
            log.info("relay {} stopped; sent {} messages", owner, sent.get());
        }
    }

    private void logFailure(String what, Throwable e, long delayNanos) {
        if (failures == 1 || failures % 10 == 0) {
            log.warn("relay {}: {} failed ({} in a row), retrying in {} ms: {}", owner, what, failures,
                    TimeUnit.NANOSECONDS.toMillis(delayNanos), String.valueOf(e));
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(false);
                customPlans = Dialect.of(c) == Dialect.POSTGRESQL;
                if (customPlans) {
                    // The claim's cost hangs on its floor parameter. After five executions the driver's
                    // prepared statement may get a generic plan, and PostgreSQL's generic plan for it was
                    // a sequential scan of the outbox (measured: hundreds per second at 1,000 msg/s).
                    try (Statement st = c.createStatement()) {
                        st.execute("SET plan_cache_mode = force_custom_plan");
                    }
                    c.commit();
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            if (customPlans) {
                try (Statement st = connection.createStatement()) { // a pooled connection goes back as it came
                    connection.rollback();
                    st.execute("RESET plan_cache_mode");
                    connection.commit();
                } catch (SQLException e) {
                    log.debug("relay {}: resetting plan_cache_mode failed", owner, e);
                }
            }
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("relay {}: closing connection failed", owner, e);
            }
            connection = null;
        }
    }

    private static final class TransportFailure extends Exception {
        TransportFailure(Throwable cause) {
            super(cause);
        }
    }

    /**
     * One batch, one transaction. Returns the number of messages sent. With {@code probe}, first
     * checks without locking anything whether any owned partition has an unsent row, and returns 0
     * if none: an idle poll then costs one read-only statement instead of locking the lease rows
     * (on PostgreSQL a row lock makes the commit write and flush WAL).
     */
    private int sendBatch(Connection c, boolean probe) throws SQLException, TransportFailure {
        long startMs = config.clock().millis();
        if (probe && !anyUnsent(c, startMs)) {
            return 0;
        }
        List<Integer> mine = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT partition_no FROM " + Schema.LEASE
                + " WHERE owner = ? ORDER BY partition_no FOR UPDATE")) {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    mine.add(rs.getInt(1));
                }
            }
        }
        for (int p : mine) {
            if (!claimedLast.contains(p)) {
                floors.reset(p);
            }
        }
        claimedLast = Set.copyOf(mine);
        if (mine.isEmpty()) {
            c.commit();
            owned = Set.of();
            return 0;
        }
        boolean sweep = floors.sweepDue(startMs);
        long highestId = highestId(c);
        // One indexed query per partition: the claim index (partition_no, sent_ms, id) yields a
        // partition's unsent rows in id order from the partition's floor (see ClaimFloors), so the
        // database reads only the rows it returns, not the dead entries of rows sent before.
        // Order only matters within a partition; the start rotates so no partition starves.
        List<OutboxMessage> batch = new ArrayList<>();
        int checked = 0;
        long[] through = new long[mine.size()];
        int start = Math.floorMod(rotation++, mine.size());
        try (PreparedStatement ps = c.prepareStatement("SELECT id, message_id, topic, msg_key, payload, headers, created_ms FROM "
                + Schema.OUTBOX + " WHERE partition_no = ? AND sent_ms IS NULL AND id > ?"
                + " ORDER BY partition_no, sent_ms, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            for (; checked < mine.size() && batch.size() < config.batchSize(); checked++) {
                int p = mine.get((start + checked) % mine.size());
                int limit = config.batchSize() - batch.size();
                ps.setInt(1, p);
                ps.setLong(2, sweep ? 0 : floors.floor(p, startMs));
                ps.setInt(3, limit);
                int rows = 0;
                long last = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        batch.add(new OutboxMessage(last, rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getBytes(5), HeaderCodec.decode(rs.getString(6)), Instant.ofEpochMilli(rs.getLong(7))));
                        rows++;
                    }
                }
                through[checked] = rows < limit ? Math.max(highestId, last) : last;
            }
        }
        if (!batch.isEmpty()) {
            try {
                transport.send(Collections.unmodifiableList(batch));
            } catch (Exception e) {
                c.rollback();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new TransportFailure(e);
            }
            markSent(c, batch);
        }
        c.commit();
        long now = config.clock().millis();
        for (int i = 0; i < checked; i++) {
            floors.proven(mine.get((start + i) % mine.size()), through[i]);
        }
        floors.settle(now);
        if (sweep) {
            floors.swept(batch.size() >= config.batchSize(), now);
        }
        sent.addAndGet(batch.size());
        return batch.size();
    }

    private void markSent(Connection c, List<OutboxMessage> batch) throws SQLException {
        long now = config.clock().millis();
        for (int from = 0; from < batch.size(); from += MARK_CHUNK) {
            List<OutboxMessage> chunk = batch.subList(from, Math.min(batch.size(), from + MARK_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.OUTBOX + " SET sent_ms = ? WHERE id IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                ps.setLong(1, now);
                int i = 2;
                for (OutboxMessage m : chunk) {
                    ps.setLong(i++, m.sequence());
                }
                ps.executeUpdate();
            }
        }
    }

    /** The highest id in the outbox now (0 if empty): what a drained claim proves sent. */
    private static long highestId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM " + Schema.OUTBOX);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Whether an owned partition (as of the last renewal) has a committed unsent row. Only a hint
     * that saves the locking claim when there is nothing to do: a row committed right after it is
     * found by the next poll; a partition owned since is included from the next renewal on.
     */
    private boolean anyUnsent(Connection c, long nowMs) throws SQLException {
        Set<Integer> parts = owned;
        if (parts.isEmpty()) {
            return false;
        }
        boolean any;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + Schema.OUTBOX + " WHERE partition_no IN ("
                + String.join(", ", Collections.nCopies(parts.size(), "?")) + ") AND sent_ms IS NULL AND id > ? LIMIT 1")) {
            int i = 1;
            for (int p : parts) {
                ps.setInt(i++, p);
            }
            ps.setLong(i, floors.sweepDue(nowMs) ? 0 : floors.lowestFloor(parts, nowMs));
            try (ResultSet rs = ps.executeQuery()) {
                any = rs.next();
            }
        }
        c.commit();
        return any;
    }

    /** Heartbeat, lease renewal, and rebalancing to a fair share. One transaction. */
    private void maintain(Connection c, long now) throws SQLException {
        long expires = now + config.leaseDuration().toMillis();
        try {
            // dead relays' heartbeats go first, in a transaction of their own that touches no row of
            // this relay: two relays cleaning up each other's rows can then never wait on each other
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Schema.RELAY
                    + " WHERE expires_ms < ? AND owner <> ?")) {
                ps.setLong(1, now);
                ps.setString(2, owner);
                ps.executeUpdate();
            }
            c.commit();
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.RELAY + " SET expires_ms = ? WHERE owner = ?")) {
                ps.setLong(1, expires);
                ps.setString(2, owner);
                if (ps.executeUpdate() == 0) {
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + Schema.RELAY
                            + " (owner, expires_ms) VALUES (?, ?)")) {
                        ins.setString(1, owner);
                        ins.setLong(2, expires);
                        ins.executeUpdate();
                    }
                }
            }
            // exact shares that add up to the partition count: floor(P / live), plus one for the
            // first (P mod live) relays in owner order
            List<String> live = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM " + Schema.RELAY
                    + " WHERE expires_ms >= ? ORDER BY owner")) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.add(rs.getString(1));
                    }
                }
            }
            int count = Math.max(1, live.size());
            int index = Math.max(0, live.indexOf(owner));
            int share = Schema.PARTITIONS / count + (index < Schema.PARTITIONS % count ? 1 : 0);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.LEASE + " SET expires_ms = ? WHERE owner = ?")) {
                ps.setLong(1, expires);
                ps.setString(2, owner);
                ps.executeUpdate();
            }
            TreeSet<Integer> mine = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT partition_no FROM " + Schema.LEASE + " WHERE owner = ?")) {
                ps.setString(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        mine.add(rs.getInt(1));
                    }
                }
            }
            if (mine.size() > share) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.LEASE
                        + " SET owner = NULL, expires_ms = NULL WHERE partition_no = ? AND owner = ?")) {
                    while (mine.size() > share) {
                        ps.setInt(1, mine.pollLast());
                        ps.setString(2, owner);
                        ps.executeUpdate();
                    }
                }
            } else if (mine.size() < share) {
                List<Integer> taken = new ArrayList<>();
                List<String> previous = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT partition_no, owner FROM " + Schema.LEASE
                        + " WHERE owner IS NULL OR expires_ms < ? ORDER BY partition_no LIMIT ? FOR UPDATE SKIP LOCKED")) {
                    ps.setLong(1, now);
                    ps.setInt(2, share - mine.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            taken.add(rs.getInt(1));
                            previous.add(rs.getString(2));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.LEASE
                        + " SET owner = ?, expires_ms = ? WHERE partition_no = ?")) {
                    for (int i = 0; i < taken.size(); i++) {
                        ps.setString(1, owner);
                        ps.setLong(2, expires);
                        ps.setInt(3, taken.get(i));
                        ps.executeUpdate();
                        if (previous.get(i) != null) {
                            log.info("relay {} took over partition {} from {} (lease expired)", owner, taken.get(i),
                                    previous.get(i));
                        }
                    }
                }
                mine.addAll(taken);
            }
            c.commit();
            owned = Collections.unmodifiableSet(new TreeSet<>(mine));
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        }
    }

    private void purge(Connection c, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Schema.OUTBOX
                + " WHERE sent_ms IS NOT NULL AND sent_ms < ?")) {
            ps.setLong(1, now - config.retention().toMillis());
            int n = ps.executeUpdate();
            c.commit();
            if (n > 0) {
                log.debug("relay {} purged {} sent rows", owner, n);
            }
        } catch (SQLException e) {
            rollbackQuietly(c);
            throw e;
        }
    }

    private void release() {
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.LEASE
                    + " SET owner = NULL, expires_ms = NULL WHERE owner = ?");
                 PreparedStatement hb = c.prepareStatement("DELETE FROM " + Schema.RELAY + " WHERE owner = ?")) {
                ps.setString(1, owner);
                ps.executeUpdate();
                hb.setString(1, owner);
                hb.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            log.warn("relay {} could not release its leases (they expire after lease-duration): {}", owner, e.toString());
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed by the caller's failure path
        }
    }
}
