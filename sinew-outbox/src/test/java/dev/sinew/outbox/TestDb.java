package dev.sinew.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A database of its own for one test class: an H2 file under target/, or a fresh PostgreSQL database. */
public abstract class TestDb implements AutoCloseable {

    static final List<String> TABLES = List.of("sinew_outbox", "sinew_outbox_lease", "sinew_outbox_relay",
            "sinew_inbox", "sinew_dead_letter", "sinew_schema_version", "t_effect");

    public abstract DataSource dataSource();

    public abstract String jdbcUrl();

    /** CLI arguments to reach this database. */
    public abstract List<String> cliArgs();

    public abstract String kind();

    /** Empties the tables (keeping the schema), so the next test starts from an empty outbox. */
    public void reset() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            var rs = c.getMetaData().getTables(null, c.getSchema(), null, null);
            java.util.Set<String> existing = new java.util.HashSet<>();
            while (rs.next()) {
                existing.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
            rs.close();
            for (String t : TABLES) {
                if (existing.contains(t) && !t.equals("sinew_schema_version") && !t.equals("sinew_outbox_lease")) {
                    s.execute("DELETE FROM " + t);
                }
            }
            if (existing.contains("sinew_outbox_lease")) {
                s.execute("UPDATE sinew_outbox_lease SET owner = NULL, expires_ms = NULL");
            }
        }
    }

    /** Drops every table the tests use. */
    public void dropAll() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                s.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public long count(String sqlFrom) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM " + sqlFrom)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static TestDb h2(String name) {
        return new H2(name);
    }

    public static TestDb postgres(String name) {
        return new Postgres(name);
    }

    static final class H2 extends TestDb {
        private final Path dir;
        private final String url;
        private final JdbcDataSource ds = new JdbcDataSource();

        H2(String name) {
            dir = Paths.get("target", "h2", name + "-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
            url = "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
            ds.setURL(url);
        }

        @Override
        public DataSource dataSource() {
            return ds;
        }

        @Override
        public String jdbcUrl() {
            return url;
        }

        @Override
        public List<String> cliArgs() {
            return List.of("--jdbc-url", url);
        }

        @Override
        public String kind() {
            return "h2";
        }

        @Override
        public void close() throws SQLException, IOException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    static final class Postgres extends TestDb {
        private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
        private final String database;
        private final String url;
        private final PGSimpleDataSource ds = new PGSimpleDataSource();

        Postgres(String name) {
            database = ("sinew_" + name + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9_]", "_");
            url = "jdbc:postgresql://127.0.0.1:5432/" + database;
            try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create PostgreSQL database " + database, e);
            }
            ds.setURL(url);
            ds.setUser("postgres");
        }

        @Override
        public DataSource dataSource() {
            return ds;
        }

        @Override
        public String jdbcUrl() {
            return url;
        }

        @Override
        public List<String> cliArgs() {
            return List.of("--jdbc-url", url, "--user", "postgres");
        }

        @Override
        public String kind() {
            return "postgres";
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }
}
