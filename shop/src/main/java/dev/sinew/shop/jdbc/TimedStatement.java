package dev.sinew.shop.jdbc;

import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * A {@link Statement} that times every {@code execute*} on the {@code shop.jdbc.statements} timer of
 * its SQL (plain statements: the SQL passed to execute; batches: {@code kind=other}). Everything else
 * is passed through unchanged. Timing adds two {@code nanoTime} reads, one cached timer's record and a
 * small lambda per statement execution (nothing next to a database round trip).
 */
class TimedStatement implements Statement {

    private final Statement delegate;
    private final Connection connection;
    final StatementTimers timers;

    TimedStatement(Statement delegate, Connection connection, StatementTimers timers) {
        this.delegate = delegate;
        this.connection = connection;
        this.timers = timers;
    }

    /** The timer of statements without their own SQL (batches of a plain statement). */
    Timer timer() {
        return timers.other();
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public ResultSet executeQuery(String a0) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeQuery(a0));
    }

    @Override
    public int executeUpdate(String a0) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeUpdate(a0));
    }

    @Override
    public void close() throws SQLException {
        delegate.close();
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        return delegate.getMaxFieldSize();
    }

    @Override
    public void setMaxFieldSize(int a0) throws SQLException {
        delegate.setMaxFieldSize(a0);
    }

    @Override
    public int getMaxRows() throws SQLException {
        return delegate.getMaxRows();
    }

    @Override
    public void setMaxRows(int a0) throws SQLException {
        delegate.setMaxRows(a0);
    }

    @Override
    public void setEscapeProcessing(boolean a0) throws SQLException {
        delegate.setEscapeProcessing(a0);
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        return delegate.getQueryTimeout();
    }

    @Override
    public void setQueryTimeout(int a0) throws SQLException {
        delegate.setQueryTimeout(a0);
    }

    @Override
    public void cancel() throws SQLException {
        delegate.cancel();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void setCursorName(String a0) throws SQLException {
        delegate.setCursorName(a0);
    }

    @Override
    public boolean execute(String a0) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.execute(a0));
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return delegate.getResultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return delegate.getUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return delegate.getMoreResults();
    }

    @Override
    public void setFetchDirection(int a0) throws SQLException {
        delegate.setFetchDirection(a0);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public void setFetchSize(int a0) throws SQLException {
        delegate.setFetchSize(a0);
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return delegate.getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return delegate.getResultSetType();
    }

    @Override
    public void addBatch(String a0) throws SQLException {
        delegate.addBatch(a0);
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return SqlTiming.timed(timer(), () -> delegate.executeBatch());
    }

    @Override
    public boolean getMoreResults(int a0) throws SQLException {
        return delegate.getMoreResults(a0);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return delegate.getGeneratedKeys();
    }

    @Override
    public int executeUpdate(String a0, int a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeUpdate(a0, a1));
    }

    @Override
    public int executeUpdate(String a0, int[] a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeUpdate(a0, a1));
    }

    @Override
    public int executeUpdate(String a0, String[] a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeUpdate(a0, a1));
    }

    @Override
    public boolean execute(String a0, int a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.execute(a0, a1));
    }

    @Override
    public boolean execute(String a0, int[] a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.execute(a0, a1));
    }

    @Override
    public boolean execute(String a0, String[] a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.execute(a0, a1));
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return delegate.getResultSetHoldability();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public void setPoolable(boolean a0) throws SQLException {
        delegate.setPoolable(a0);
    }

    @Override
    public boolean isPoolable() throws SQLException {
        return delegate.isPoolable();
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        return delegate.isCloseOnCompletion();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return delegate.getLargeUpdateCount();
    }

    @Override
    public void setLargeMaxRows(long a0) throws SQLException {
        delegate.setLargeMaxRows(a0);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        return delegate.getLargeMaxRows();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return SqlTiming.timed(timer(), () -> delegate.executeLargeBatch());
    }

    @Override
    public long executeLargeUpdate(String a0) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeLargeUpdate(a0));
    }

    @Override
    public long executeLargeUpdate(String a0, int a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeLargeUpdate(a0, a1));
    }

    @Override
    public long executeLargeUpdate(String a0, int[] a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeLargeUpdate(a0, a1));
    }

    @Override
    public long executeLargeUpdate(String a0, String[] a1) throws SQLException {
        return SqlTiming.timed(timers.forSql(a0), () -> delegate.executeLargeUpdate(a0, a1));
    }

    @Override
    public String enquoteLiteral(String a0) throws SQLException {
        return delegate.enquoteLiteral(a0);
    }

    @Override
    public String enquoteIdentifier(String a0, boolean a1) throws SQLException {
        return delegate.enquoteIdentifier(a0, a1);
    }

    @Override
    public boolean isSimpleIdentifier(String a0) throws SQLException {
        return delegate.isSimpleIdentifier(a0);
    }

    @Override
    public String enquoteNCharLiteral(String a0) throws SQLException {
        return delegate.enquoteNCharLiteral(a0);
    }

}
