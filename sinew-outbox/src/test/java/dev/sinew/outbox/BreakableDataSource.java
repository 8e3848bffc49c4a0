package dev.sinew.outbox;

import dev.sinew.outbox.store.ConnectionSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** A DataSource whose connections all fail while {@link #down} is set, like a database outage. */
final class BreakableDataSource extends ConnectionSource {
    private final DataSource target;
    volatile boolean down;
    final AtomicInteger refused = new AtomicInteger();

    BreakableDataSource(DataSource target) {
        this.target = target;
    }

    private SQLException outage() {
        refused.incrementAndGet();
        return new SQLException("database unavailable (test)", "08006");
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw outage();
        }
        Connection real = target.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (down && !method.getName().equals("close")) {
                        throw outage();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }








}
