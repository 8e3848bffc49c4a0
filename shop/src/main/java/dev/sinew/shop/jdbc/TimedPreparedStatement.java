package dev.sinew.shop.jdbc;

import io.micrometer.core.instrument.Timer;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A {@link PreparedStatement} timed on the {@code shop.jdbc.statements} timer resolved once, from
 * its SQL, when it was prepared; every {@code execute*} (batches too) records on it.
 */
final class TimedPreparedStatement extends TimedStatement implements PreparedStatement {

    private final PreparedStatement ps;
    private final Timer timer;

    TimedPreparedStatement(PreparedStatement ps, Connection connection, StatementTimers timers, String sql) {
        super(ps, connection, timers);
        this.ps = ps;
        this.timer = timers.forSql(sql);
    }

    @Override
    Timer timer() {
        return timer;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return SqlTiming.timed(timer(), () -> ps.executeQuery());
    }

    @Override
    public int executeUpdate() throws SQLException {
        return SqlTiming.timed(timer(), () -> ps.executeUpdate());
    }

    @Override
    public void setNull(int a0, int a1) throws SQLException {
        ps.setNull(a0, a1);
    }

    @Override
    public void setBoolean(int a0, boolean a1) throws SQLException {
        ps.setBoolean(a0, a1);
    }

    @Override
    public void setByte(int a0, byte a1) throws SQLException {
        ps.setByte(a0, a1);
    }

    @Override
    public void setShort(int a0, short a1) throws SQLException {
        ps.setShort(a0, a1);
    }

    @Override
    public void setInt(int a0, int a1) throws SQLException {
        ps.setInt(a0, a1);
    }

    @Override
    public void setLong(int a0, long a1) throws SQLException {
        ps.setLong(a0, a1);
    }

    @Override
    public void setFloat(int a0, float a1) throws SQLException {
        ps.setFloat(a0, a1);
    }

    @Override
    public void setDouble(int a0, double a1) throws SQLException {
        ps.setDouble(a0, a1);
    }

    @Override
    public void setBigDecimal(int a0, java.math.BigDecimal a1) throws SQLException {
        ps.setBigDecimal(a0, a1);
    }

    @Override
    public void setString(int a0, String a1) throws SQLException {
        ps.setString(a0, a1);
    }

    @Override
    public void setBytes(int a0, byte[] a1) throws SQLException {
        ps.setBytes(a0, a1);
    }

    @Override
    public void setDate(int a0, Date a1) throws SQLException {
        ps.setDate(a0, a1);
    }

    @Override
    public void setTime(int a0, Time a1) throws SQLException {
        ps.setTime(a0, a1);
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1) throws SQLException {
        ps.setTimestamp(a0, a1);
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1, int a2) throws SQLException {
        ps.setAsciiStream(a0, a1, a2);
    }

    @Override
    public void setUnicodeStream(int a0, InputStream a1, int a2) throws SQLException {
        ps.setUnicodeStream(a0, a1, a2);
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1, int a2) throws SQLException {
        ps.setBinaryStream(a0, a1, a2);
    }

    @Override
    public void clearParameters() throws SQLException {
        ps.clearParameters();
    }

    @Override
    public void setObject(int a0, Object a1, int a2) throws SQLException {
        ps.setObject(a0, a1, a2);
    }

    @Override
    public void setObject(int a0, Object a1) throws SQLException {
        ps.setObject(a0, a1);
    }

    @Override
    public boolean execute() throws SQLException {
        return SqlTiming.timed(timer(), () -> ps.execute());
    }

    @Override
    public void addBatch() throws SQLException {
        ps.addBatch();
    }

    @Override
    public void setCharacterStream(int a0, Reader a1, int a2) throws SQLException {
        ps.setCharacterStream(a0, a1, a2);
    }

    @Override
    public void setRef(int a0, Ref a1) throws SQLException {
        ps.setRef(a0, a1);
    }

    @Override
    public void setBlob(int a0, Blob a1) throws SQLException {
        ps.setBlob(a0, a1);
    }

    @Override
    public void setClob(int a0, Clob a1) throws SQLException {
        ps.setClob(a0, a1);
    }

    @Override
    public void setArray(int a0, Array a1) throws SQLException {
        ps.setArray(a0, a1);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return ps.getMetaData();
    }

    @Override
    public void setDate(int a0, Date a1, Calendar a2) throws SQLException {
        ps.setDate(a0, a1, a2);
    }

    @Override
    public void setTime(int a0, Time a1, Calendar a2) throws SQLException {
        ps.setTime(a0, a1, a2);
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1, Calendar a2) throws SQLException {
        ps.setTimestamp(a0, a1, a2);
    }

    @Override
    public void setNull(int a0, int a1, String a2) throws SQLException {
        ps.setNull(a0, a1, a2);
    }

    @Override
    public void setURL(int a0, java.net.URL a1) throws SQLException {
        ps.setURL(a0, a1);
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return ps.getParameterMetaData();
    }

    @Override
    public void setRowId(int a0, RowId a1) throws SQLException {
        ps.setRowId(a0, a1);
    }

    @Override
    public void setNString(int a0, String a1) throws SQLException {
        ps.setNString(a0, a1);
    }

    @Override
    public void setNCharacterStream(int a0, Reader a1, long a2) throws SQLException {
        ps.setNCharacterStream(a0, a1, a2);
    }

    @Override
    public void setNClob(int a0, NClob a1) throws SQLException {
        ps.setNClob(a0, a1);
    }

    @Override
    public void setClob(int a0, Reader a1, long a2) throws SQLException {
        ps.setClob(a0, a1, a2);
    }

    @Override
    public void setBlob(int a0, InputStream a1, long a2) throws SQLException {
        ps.setBlob(a0, a1, a2);
    }

    @Override
    public void setNClob(int a0, Reader a1, long a2) throws SQLException {
        ps.setNClob(a0, a1, a2);
    }

    @Override
    public void setSQLXML(int a0, SQLXML a1) throws SQLException {
        ps.setSQLXML(a0, a1);
    }

    @Override
    public void setObject(int a0, Object a1, int a2, int a3) throws SQLException {
        ps.setObject(a0, a1, a2, a3);
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1, long a2) throws SQLException {
        ps.setAsciiStream(a0, a1, a2);
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1, long a2) throws SQLException {
        ps.setBinaryStream(a0, a1, a2);
    }

    @Override
    public void setCharacterStream(int a0, Reader a1, long a2) throws SQLException {
        ps.setCharacterStream(a0, a1, a2);
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1) throws SQLException {
        ps.setAsciiStream(a0, a1);
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1) throws SQLException {
        ps.setBinaryStream(a0, a1);
    }

    @Override
    public void setCharacterStream(int a0, Reader a1) throws SQLException {
        ps.setCharacterStream(a0, a1);
    }

    @Override
    public void setNCharacterStream(int a0, Reader a1) throws SQLException {
        ps.setNCharacterStream(a0, a1);
    }

    @Override
    public void setClob(int a0, Reader a1) throws SQLException {
        ps.setClob(a0, a1);
    }

    @Override
    public void setBlob(int a0, InputStream a1) throws SQLException {
        ps.setBlob(a0, a1);
    }

    @Override
    public void setNClob(int a0, Reader a1) throws SQLException {
        ps.setNClob(a0, a1);
    }

    @Override
    public void setObject(int a0, Object a1, SQLType a2, int a3) throws SQLException {
        ps.setObject(a0, a1, a2, a3);
    }

    @Override
    public void setObject(int a0, Object a1, SQLType a2) throws SQLException {
        ps.setObject(a0, a1, a2);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return SqlTiming.timed(timer(), () -> ps.executeLargeUpdate());
    }

}
