package dev.sinew.bench.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One benchmark database: a PostgreSQL database created for this run (dropped by {@link #close()}),
 * or an H2 database in file mode in a temporary directory. Connections come from a HikariCP pool,
 * as they would in an application.
 */
final class BenchDatabase implements AutoCloseable {

    /** The copy of a published backlog that every throughput scenario inserts again. */
    static final String TEMPLATE = "bench_template";

    final String kind;
    final String url;
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String dbName;
    private final HikariDataSource pool;
    private final Thread dropOnExit;

    private BenchDatabase(String kind, String url, String adminUrl, String user, String password, String dbName, int poolSize) {
        this.kind = kind;
        this.url = url;
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.dbName = dbName;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(poolSize);
        hc.setPoolName("bench-" + kind);
        this.pool = new HikariDataSource(hc);
        // Ctrl-C or a failure that skips close(): still drop the database
        this.dropOnExit = new Thread(this::drop, "bench-drop-" + kind);
        Runtime.getRuntime().addShutdownHook(dropOnExit);
    }

    /** Creates database {@code sinew_bench_<random>} on the server of {@code serverUrl} (ending in "/"). */
    static BenchDatabase postgres(String serverUrl, String user, String password, int poolSize) throws SQLException {
        String db = "sinew_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String admin = serverUrl + "postgres";
        try (Connection c = DriverManager.getConnection(admin, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        return new BenchDatabase("PostgreSQL", serverUrl + db, admin, user, password, db, poolSize);
    }

    /** H2 in file mode (the library's embedded default) in {@code dir}. */
    static BenchDatabase h2(Path dir, int poolSize) {
        String url = "jdbc:h2:file:" + dir.resolve("bench").toAbsolutePath() + ";LOCK_TIMEOUT=10000";
        return new BenchDatabase("H2", url, null, "sa", "", null, poolSize);
    }

    DataSource dataSource() {
        return pool;
    }

    boolean isPostgres() {
        return dbName != null;
    }

    String version() {
        try (Connection c = pool.getConnection()) {
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return kind + " (version unknown: " + e.getMessage() + ")";
        }
    }

    String setting(String name) {
        if (!isPostgres()) {
            return "";
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "?";
        }
    }

    /** Keeps the rows now in the outbox as the template and empties the outbox. */
    void saveTemplate() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TEMPLATE);
            s.execute("CREATE TABLE " + TEMPLATE + " AS SELECT * FROM sinew_outbox");
        }
        truncate("sinew_outbox");
    }

    /**
     * Inserts the first {@code rows} template rows as new messages of {@code topic} (fresh message
     * ids, created now) on {@code tx}; does not commit.
     */
    int copyTemplate(Connection tx, String topic, int rows) throws SQLException {
        String uuid = isPostgres() ? "gen_random_uuid()::text" : "CAST(RANDOM_UUID() AS VARCHAR)";
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO sinew_outbox"
                + " (message_id, topic, msg_key, partition_no, payload, headers, created_ms)"
                + " SELECT " + uuid + ", ?, msg_key, partition_no, payload, headers, ? FROM (SELECT * FROM " + TEMPLATE
                + " ORDER BY id LIMIT ?) t ORDER BY id")) {
            ps.setString(1, topic);
            ps.setLong(2, System.currentTimeMillis());
            ps.setInt(3, rows);
            return ps.executeUpdate();
        }
    }

    void truncate(String... tables) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute(isPostgres() ? "TRUNCATE " + t : "TRUNCATE TABLE " + t);
            }
        }
    }

    /** PostgreSQL: VACUUM ANALYZE, as autovacuum would do between load phases. No-op for H2. */
    void vacuum(String table) throws SQLException {
        if (!isPostgres()) {
            return;
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("VACUUM ANALYZE " + table);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(dropOnExit);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook runs drop()
        }
        drop();
    }

    private synchronized void drop() {
        if (pool.isClosed()) {
            return;
        }
        pool.close();
        if (isPostgres()) {
            try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("cannot drop benchmark database " + dbName + ": " + e);
            }
        } else {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                System.err.println("cannot shut down " + url + ": " + e);
            }
        }
    }

    String name() {
        return dbName != null ? dbName : url;
    }
}
