package dev.sinew.kafka;

import dev.sinew.outbox.store.ConnectionSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

/**
 * A tiny pooling DataSource for tests (the library takes any DataSource; production would use
 * HikariCP or similar). {@link #down(boolean)} makes every new checkout fail, like a dead database.
 */
final class TestPool extends ConnectionSource implements AutoCloseable {

    private final String url;
    private final String user;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean down;
    private final Runnable onClose;

    private TestPool(String url, String user, Runnable onClose) {
        this.url = url;
        this.user = user;
        this.onClose = onClose;
    }

    static TestPool h2(java.nio.file.Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";DB_CLOSE_DELAY=-1";
        return new TestPool(url, "sa", () -> {
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                System.err.println("cannot shut down " + url + ": " + e);
            }
        });
    }

    /** A pool on an existing database (child processes of the proof); closing it just closes connections. */
    static TestPool of(String url, String user) {
        return new TestPool(url, user, () -> {
        });
    }

    static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres";

    /** Creates a fresh PostgreSQL database; closing the pool drops it. */
    static TestPool postgres(String prefix) throws SQLException {
        String db = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(PG_ADMIN, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        return new TestPool("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", () -> {
            try (Connection c = DriverManager.getConnection(PG_ADMIN, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("cannot drop test database " + db + ": " + e);
            }
        });
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    void down(boolean down) {
        this.down = down;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw new SQLException("database unavailable (test switch)", "08001");
        }
        Connection real = idle.poll();
        if (real == null || real.isClosed()) {
            real = DriverManager.getConnection(url, user, "");
        }
        return wrap(real);
    }

    private Connection wrap(Connection real) {
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (!closed[0]) {
                                closed[0] = true;
                                try {
                                    if (!real.getAutoCommit()) {
                                        real.rollback();
                                        real.setAutoCommit(true);
                                    }
                                    idle.offer(real);
                                } catch (SQLException e) {
                                    real.close();
                                }
                            }
                            return null;
                        }
                        case "isClosed" -> {
                            return closed[0] || real.isClosed();
                        }
                        default -> {
                            if (closed[0]) {
                                throw new SQLException("connection returned to the pool");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        onClose.run();
    }








}
