package dev.sinew.outbox;

import dev.sinew.outbox.store.HeaderCodec;
import dev.sinew.outbox.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists and redrives the messages an {@link Inbox} gave up on.
 *
 * <p>Two ways to redrive: {@link #redrive(long)} only <em>marks</em> a dead letter, and the running
 * consumer processes it on its next {@link Inbox#redriveRequested} call (this is what the command
 * line does, as it has no handler code); {@link #redriveNow} runs a handler at once. Either way the
 * handler runs in one transaction that also marks the inbox row processed and deletes the dead
 * letter, so a redriven message is processed once.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final String COLUMNS =
            "id, consumer, message_id, topic, msg_key, payload, headers, error, attempts, failed_ms, redrive_requested";

    enum Redrive { PROCESSED, FAILED, NOT_FOUND }

    private final DataSource dataSource;

    private DeadLetters(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Dead letters in {@code ds}. Does not create tables (see {@link dev.sinew.outbox.store.Schema}). */
    public static DeadLetters of(DataSource dataSource) {
        return new DeadLetters(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** How many dead letters there are (all consumers); one {@code COUNT(*)}, for metrics and health. */
    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + Schema.DEAD_LETTER);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** All dead letters, oldest first. */
    public List<DeadLetter> list() throws SQLException {
        return query("SELECT " + COLUMNS + " FROM " + Schema.DEAD_LETTER + " ORDER BY id", null);
    }

    /** The dead letters of one consumer, oldest first. */
    public List<DeadLetter> list(String consumer) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM " + Schema.DEAD_LETTER + " WHERE consumer = ? ORDER BY id", consumer);
    }

    /** One dead letter by id. */
    public Optional<DeadLetter> find(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + Schema.DEAD_LETTER
                     + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Marks a dead letter for redrive; the consumer processes it on its next
     * {@link Inbox#redriveRequested} call.
     *
     * @throws IllegalArgumentException if there is no dead letter with this id
     */
    public void redrive(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.DEAD_LETTER
                     + " SET redrive_requested = TRUE WHERE id = ?")) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            ps.setLong(1, id);
            if (ps.executeUpdate() == 0) {
                throw new IllegalArgumentException("no dead letter with id " + id);
            }
        }
        log.info("dead letter {} marked for redrive", id);
    }

    /**
     * Marks all dead letters (of one consumer, or of all when {@code consumer} is null) for redrive.
     *
     * @return how many were marked
     */
    public int redriveAll(String consumer) throws SQLException {
        String sql = "UPDATE " + Schema.DEAD_LETTER + " SET redrive_requested = TRUE WHERE redrive_requested = FALSE"
                + (consumer == null ? "" : " AND consumer = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            if (consumer != null) {
                ps.setString(1, consumer);
            }
            int n = ps.executeUpdate();
            log.info("{} dead letters marked for redrive", n);
            return n;
        }
    }

    /**
     * Runs {@code handler} on the dead letter now, in one transaction that also records the
     * message as processed for the dead letter's consumer and deletes the dead letter. On failure
     * the dead letter stays, with the new error and one more attempt. The handler must be the
     * dead letter's consumer's handler.
     *
     * @return true if processed, false if the handler failed again
     * @throws IllegalArgumentException if there is no dead letter with this id
     */
    public boolean redriveNow(long id, MessageHandler handler) throws SQLException {
        Redrive r = redriveOne(id, Objects.requireNonNull(handler, "handler"), false);
        if (r == Redrive.NOT_FOUND) {
            throw new IllegalArgumentException("no dead letter with id " + id);
        }
        return r == Redrive.PROCESSED;
    }

    List<Long> requestedIds(String consumer) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM " + Schema.DEAD_LETTER
                     + " WHERE consumer = ? AND redrive_requested = TRUE ORDER BY id")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    Redrive redriveOne(long id, MessageHandler handler, boolean onlyIfRequested) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            DeadLetter dl;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + Schema.DEAD_LETTER
                    + " WHERE id = ?" + (onlyIfRequested ? " AND redrive_requested = TRUE" : "") + " FOR UPDATE")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.commit();
                        return Redrive.NOT_FOUND;
                    }
                    dl = read(rs);
                }
            }
            long now = System.currentTimeMillis();
            try {
                handler.handle(c, dl.toMessage());
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.INBOX
                        + " SET status = ?, processed_ms = ? WHERE consumer = ? AND message_id = ?")) {
                    ps.setString(1, Inbox.PROCESSED);
                    ps.setLong(2, now);
                    ps.setString(3, dl.consumer());
                    ps.setString(4, dl.messageId());
                    if (ps.executeUpdate() == 0) {
                        try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + Schema.INBOX
                                + " (consumer, message_id, status, processed_ms) VALUES (?, ?, ?, ?)")) {
                            ins.setString(1, dl.consumer());
                            ins.setString(2, dl.messageId());
                            ins.setString(3, Inbox.PROCESSED);
                            ins.setLong(4, now);
                            ins.executeUpdate();
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Schema.DEAD_LETTER + " WHERE id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
                c.commit();
                log.info("dead letter {} (message {}) redriven and processed by {}", id, dl.messageId(), dl.consumer());
                return Redrive.PROCESSED;
            } catch (Exception e) {
                Inbox.rollbackQuietly(c);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.DEAD_LETTER
                        + " SET attempts = attempts + 1, error = ?, failed_ms = ?, redrive_requested = FALSE WHERE id = ?")) {
                    ps.setString(1, Inbox.errorText(e));
                    ps.setLong(2, now);
                    ps.setLong(3, id);
                    ps.executeUpdate();
                }
                c.commit();
                log.warn("redrive of dead letter {} (message {}) failed again: {}", id, dl.messageId(), e.toString());
                return Redrive.FAILED;
            }
        }
    }

    void insert(Connection c, String consumer, IncomingMessage m, String error, int attempts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Schema.DEAD_LETTER
                + " (consumer, message_id, topic, msg_key, payload, headers, error, attempts, failed_ms, redrive_requested)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)")) {
            ps.setString(1, consumer);
            ps.setString(2, m.messageId());
            ps.setString(3, m.topic());
            if (m.key() == null) {
                ps.setNull(4, Types.VARCHAR);
            } else {
                ps.setString(4, m.key());
            }
            ps.setBytes(5, m.payload());
            ps.setString(6, HeaderCodec.encode(m.headers()));
            ps.setString(7, error);
            ps.setInt(8, attempts);
            ps.setLong(9, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    private List<DeadLetter> query(String sql, String consumer) throws SQLException {
        List<DeadLetter> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (consumer != null) {
                ps.setString(1, consumer);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    private static DeadLetter read(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getBytes(6), HeaderCodec.decode(rs.getString(7)), rs.getString(8), rs.getInt(9),
                Instant.ofEpochMilli(rs.getLong(10)), rs.getBoolean(11));
    }
}
