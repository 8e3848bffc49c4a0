package dev.sinew.shop.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that times every statement run on its connections as
 * {@code shop.jdbc.statements} (Timer with histogram; tags {@code kind}, {@code table}). The shop
 * hands this one data source to its own code and to the outbox, inbox and relay, so their SQL is
 * measured too. Plain delegating wrappers, no proxies: see {@link StatementTimers} for the tags.
 */
public final class TimedDataSource implements DataSource {

    private final DataSource delegate;
    private final StatementTimers timers;

    private TimedDataSource(DataSource delegate, StatementTimers timers) {
        this.delegate = delegate;
        this.timers = timers;
    }

    /** Wraps {@code delegate}; statement timers are registered in {@code registry} as they are first used. */
    public static TimedDataSource wrap(DataSource delegate, MeterRegistry registry) {
        return new TimedDataSource(delegate, new StatementTimers(registry));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return new TimedConnection(delegate.getConnection(), timers);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return new TimedConnection(delegate.getConnection(user, password), timers);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
