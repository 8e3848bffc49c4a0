package dev.sinew.shop.runtime;

import dev.sinew.outbox.store.H2Recovery;
import dev.sinew.shop.jdbc.TimedDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * The service's own database: an H2 file database under the data dir (AUTO_SERVER, so the audit
 * can read it while the service runs; a file left by a killed process is recovered first, see
 * {@link H2Recovery}) or PostgreSQL by {@code --jdbc-url}. A small bounded pool.
 * Every statement run through {@link #dataSource()} or {@link #connection()} — the service's own
 * and the outbox/inbox/relay's — is timed as {@code shop.jdbc.statements} ({@link TimedDataSource}).
 */
public final class Database implements AutoCloseable {

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

    public static Database open(ServiceOptions o, MeterRegistry meters) throws SQLException {
        String url = o.effectiveJdbcUrl();
        JdbcConnectionPool pool;
        boolean pg = url.startsWith("jdbc:postgresql:");
        if (pg) {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setURL(url);
            if (o.jdbcUser() != null) {
                ds.setUser(o.jdbcUser());
            }
            if (o.jdbcPassword() != null) {
                ds.setPassword(o.jdbcPassword());
            }
            ds.setConnectTimeout(5);
            pool = JdbcConnectionPool.create(ds);
        } else {
            // H2 would open a file left by a SIGKILL at an older version, without its last commits (H2Recovery)
            H2Recovery.recoverUrl(url);
            pool = JdbcConnectionPool.create(url, o.jdbcUser() == null ? "sa" : o.jdbcUser(),
                    o.jdbcPassword() == null ? "" : o.jdbcPassword());
        }
        pool.setMaxConnections(24);
        pool.setLoginTimeout(5);
        Database db = new Database(pool, meters, pg, url);
        try (Connection c = db.connection()) {
            c.isValid(2);
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
