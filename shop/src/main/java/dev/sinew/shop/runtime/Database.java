package dev.sinew.shop.runtime;

import dev.sinew.outbox.store.H2Recovery;
import dev.sinew.shop.jdbc.TimedDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's own database: an H2 file database under the data dir (AUTO_SERVER, so the audit
 * can read it while the service runs; a file left by a killed process is recovered first, see
 * {@link H2Recovery}) or PostgreSQL by {@code --jdbc-url}. A small bounded pool.
 * Every statement run through {@link #dataSource()} or {@link #connection()} — the service's own
 * and the outbox/inbox/relay's — is timed as {@code shop.jdbc.statements} ({@link TimedDataSource}).
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final JdbcConnectionPool pool;
    private final TimedDataSource timed;
    private final boolean postgres;
    private final String url;

    private Database(JdbcConnectionPool pool, MeterRegistry meters, boolean postgres, String url) {
        this.pool = pool;
        this.timed = TimedDataSource.wrap(pool, meters);
        this.postgres = postgres;
        this.url = url;
    }

    /** How long a service waits for its H2 file while another process holds it (see {@link #open(ServiceOptions, MeterRegistry, Duration)}). */
    static final Duration HELD_FILE_WAIT = Duration.ofSeconds(30);

    public static Database open(ServiceOptions o, MeterRegistry meters) throws SQLException {
        return open(o, meters, HELD_FILE_WAIT);
    }

    /**
     * Opens the pool and checks one connection. An H2 file that another process holds without serving
     * it (an audit recovering the file of this service after it was killed: a second or so) is waited
     * for up to {@code heldFileWait}, instead of the service exiting at start.
     */
    static Database open(ServiceOptions o, MeterRegistry meters, Duration heldFileWait) throws SQLException {
        String url = o.effectiveJdbcUrl();
        if (url.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setURL(url);
            if (o.jdbcUser() != null) {
                ds.setUser(o.jdbcUser());
            }
            if (o.jdbcPassword() != null) {
                ds.setPassword(o.jdbcPassword());
            }
            ds.setConnectTimeout(5);
            return checked(JdbcConnectionPool.create(ds), meters, true, url);
        }
        long deadline = System.nanoTime() + heldFileWait.toNanos();
        boolean logged = false;
        while (true) {
            // H2 would open a file left by a SIGKILL at an older version, without its last commits (H2Recovery)
            H2Recovery.recoverUrl(url);
            try {
                return checked(JdbcConnectionPool.create(url, o.jdbcUser() == null ? "sa" : o.jdbcUser(),
                        o.jdbcPassword() == null ? "" : o.jdbcPassword()), meters, false, url);
            } catch (SQLException e) {
                if (e.getErrorCode() != ErrorCode.DATABASE_ALREADY_OPEN_1) {
                    throw e;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new SQLException("the H2 database " + H2Recovery.filePath(url) + " is in use by another process"
                            + " that does not serve it, for more than " + heldFileWait.toSeconds() + " s (an audit"
                            + " recovering it, or H2's console?); stop that process and start the service again",
                            e.getSQLState(), e.getErrorCode(), e);
                }
                if (!logged) {
                    log.info("the H2 database {} is in use by another process (an audit recovering it?); waiting up to {} s",
                            H2Recovery.filePath(url), heldFileWait.toSeconds());
                    logged = true;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    private static Database checked(JdbcConnectionPool pool, MeterRegistry meters, boolean pg, String url) throws SQLException {
        pool.setMaxConnections(24);
        pool.setLoginTimeout(5);
        Database db = new Database(pool, meters, pg, url);
        try (Connection c = db.connection()) {
            c.isValid(2);
        } catch (SQLException e) {
            pool.dispose();
            throw e;
        }
        return db;
    }

    public DataSource dataSource() {
        return timed;
    }

    public Connection connection() throws SQLException {
        return timed.getConnection();
    }

    public boolean postgres() {
        return postgres;
    }

    public String url() {
        return url;
    }

    /** Runs DDL statements (each {@code CREATE ... IF NOT EXISTS}). */
    public void ddl(String... statements) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** True when a SELECT 1 answers within a second. */
    public boolean healthy() {
        try (Connection c = connection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** SQLSTATE 23505: a unique or primary key constraint refused the row. */
    public static boolean isDuplicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
