package dev.sinew.outbox.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, migrates and checks the tables of the outbox, the inbox and the dead letters.
 *
 * <p>Migration is idempotent and safe to run from several processes at once: every statement is
 * {@code CREATE ... IF NOT EXISTS} or an insert whose duplicate is ignored, and each applied
 * version is recorded in {@value #VERSION_TABLE}. After migrating, every table is compared with
 * what this library expects, so a table that existed before with other columns is reported (table,
 * column, found, expected) instead of failing later with an obscure SQL error.
 */
public final class Schema {

    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    /** The schema version this library writes and understands. */
    public static final int CURRENT_VERSION = 1;
    /** Number of outbox partitions (lease rows). Keys hash to one of them; fixed by schema version 1. */
    public static final int PARTITIONS = 16;

    public static final String VERSION_TABLE = "sinew_schema_version";
    public static final String OUTBOX = "sinew_outbox";
    public static final String LEASE = "sinew_outbox_lease";
    public static final String RELAY = "sinew_outbox_relay";
    public static final String INBOX = "sinew_inbox";
    public static final String DEAD_LETTER = "sinew_dead_letter";

    private static final java.util.concurrent.locks.ReentrantLock MIGRATION_LOCK =
            new java.util.concurrent.locks.ReentrantLock();

    private Schema() {
    }

    private enum Kind {
        INT("INT"), BIGINT("BIGINT"), VARCHAR("VARCHAR"), TEXT("text"), BINARY("binary"), BOOLEAN("BOOLEAN");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean accepts(int jdbcType, String typeName) {
            String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
            switch (this) {
                case INT:
                    return jdbcType == Types.INTEGER;
                case BIGINT:
                    return jdbcType == Types.BIGINT;
                case VARCHAR:
                case TEXT:
                    return jdbcType == Types.VARCHAR || jdbcType == Types.LONGVARCHAR || jdbcType == Types.CLOB
                            || jdbcType == Types.NVARCHAR || t.equals("text");
                case BINARY:
                    return jdbcType == Types.BINARY || jdbcType == Types.VARBINARY
                            || jdbcType == Types.LONGVARBINARY || jdbcType == Types.BLOB || t.equals("bytea");
                case BOOLEAN:
                    return jdbcType == Types.BOOLEAN || jdbcType == Types.BIT;
                default:
                    return false;
            }
        }

        String describe(Dialect d, int size) {
            switch (this) {
                case VARCHAR:
                    return "VARCHAR(" + size + ")";
                case TEXT:
                    return d.textType();
                case BINARY:
                    return d.binaryType();
                default:
                    return label;
            }
        }
    }

    private record Column(String name, Kind kind, int size, boolean nullable) {
    }

    private static Column col(String name, Kind kind, boolean nullable) {
        return new Column(name, kind, 0, nullable);
    }

    private static Column varchar(String name, int size, boolean nullable) {
        return new Column(name, Kind.VARCHAR, size, nullable);
    }

    private static final Map<String, List<Column>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put(VERSION_TABLE, List.of(col("version", Kind.INT, false), varchar("description", 200, false),
                col("applied_ms", Kind.BIGINT, false)));
        TABLES.put(OUTBOX, List.of(col("id", Kind.BIGINT, false), varchar("message_id", 64, false),
                varchar("topic", 249, false), varchar("msg_key", 1024, true), col("partition_no", Kind.INT, false),
                col("payload", Kind.BINARY, false), col("headers", Kind.TEXT, false),
                col("created_ms", Kind.BIGINT, false), col("sent_ms", Kind.BIGINT, true)));
        TABLES.put(LEASE, List.of(col("partition_no", Kind.INT, false), varchar("owner", 200, true),
                col("expires_ms", Kind.BIGINT, true)));
        TABLES.put(RELAY, List.of(varchar("owner", 200, false), col("expires_ms", Kind.BIGINT, false)));
        TABLES.put(INBOX, List.of(varchar("consumer", 200, false), varchar("message_id", 200, false),
                varchar("status", 16, false), col("processed_ms", Kind.BIGINT, false)));
        TABLES.put(DEAD_LETTER, List.of(col("id", Kind.BIGINT, false), varchar("consumer", 200, false),
                varchar("message_id", 200, false), varchar("topic", 249, false), varchar("msg_key", 1024, true),
                col("payload", Kind.BINARY, false), col("headers", Kind.TEXT, false), col("error", Kind.TEXT, false),
                col("attempts", Kind.INT, false), col("failed_ms", Kind.BIGINT, false),
                col("redrive_requested", Kind.BOOLEAN, false)));
    }

    private static List<String> version1(Dialect d) {
        String bin = d.binaryType();
        String text = d.textType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + OUTBOX + " ("
                        + "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                        + "message_id VARCHAR(64) NOT NULL, topic VARCHAR(249) NOT NULL, msg_key VARCHAR(1024), "
                        + "partition_no INT NOT NULL, payload " + bin + " NOT NULL, headers " + text + " NOT NULL, "
                        + "created_ms BIGINT NOT NULL, sent_ms BIGINT)",
                "CREATE TABLE IF NOT EXISTS " + LEASE + " ("
                        + "partition_no INT NOT NULL PRIMARY KEY, owner VARCHAR(200), expires_ms BIGINT)",
                "CREATE TABLE IF NOT EXISTS " + RELAY + " ("
                        + "owner VARCHAR(200) NOT NULL PRIMARY KEY, expires_ms BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + INBOX + " ("
                        + "consumer VARCHAR(200) NOT NULL, message_id VARCHAR(200) NOT NULL, "
                        + "status VARCHAR(16) NOT NULL, processed_ms BIGINT NOT NULL, "
                        + "PRIMARY KEY (consumer, message_id))",
                "CREATE TABLE IF NOT EXISTS " + DEAD_LETTER + " ("
                        + "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                        + "consumer VARCHAR(200) NOT NULL, message_id VARCHAR(200) NOT NULL, "
                        + "topic VARCHAR(249) NOT NULL, msg_key VARCHAR(1024), payload " + bin + " NOT NULL, "
                        + "headers " + text + " NOT NULL, error " + text + " NOT NULL, attempts INT NOT NULL, "
                        + "failed_ms BIGINT NOT NULL, redrive_requested BOOLEAN DEFAULT FALSE NOT NULL, "
                        + "CONSTRAINT sinew_dead_letter_message UNIQUE (consumer, message_id))");
    }

    private static List<String> version1Indexes() {
        return List.of(
                "CREATE INDEX IF NOT EXISTS sinew_outbox_claim ON " + OUTBOX + " (partition_no, sent_ms, id)",
                "CREATE INDEX IF NOT EXISTS sinew_outbox_sent ON " + OUTBOX + " (sent_ms)",
                "CREATE INDEX IF NOT EXISTS sinew_dead_letter_redrive ON " + DEAD_LETTER
                        + " (consumer, redrive_requested)");
    }

    /**
     * Creates the tables that are missing, applies pending migrations and checks every table.
     *
     * @throws SchemaException if a table differs from what this library expects, or the database
     *                         has a newer schema version
     */
    public static void migrate(DataSource ds) throws SQLException {
        // in-process serialization (an embedded H2 file belongs to one process); PostgreSQL also
        // takes an advisory lock to serialize migrations across processes
        MIGRATION_LOCK.lock();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            Dialect d = Dialect.of(c);
            if (d.migrationLock() != null) {
                try (Statement s = c.createStatement()) {
                    s.execute(d.migrationLock());
                }
            }
            try {
                migrate(c, d);
            } finally {
                if (d.migrationUnlock() != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute(d.migrationUnlock());
                    }
                }
            }
        } finally {
            MIGRATION_LOCK.unlock();
        }
    }

    private static void migrate(Connection c, Dialect d) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + VERSION_TABLE + " (version INT NOT NULL PRIMARY KEY, "
                    + "description VARCHAR(200) NOT NULL, applied_ms BIGINT NOT NULL)");
        }
        checkTable(c, d, VERSION_TABLE);
        int version = version(c);
        if (version > CURRENT_VERSION) {
            throw tooNew(version);
        }
        if (version < 1) {
            try (Statement s = c.createStatement()) {
                for (String ddl : version1(d)) {
                    s.execute(ddl);
                }
            }
            checkTables(c, d);
            try (Statement s = c.createStatement()) {
                for (String ddl : version1Indexes()) {
                    s.execute(ddl);
                }
            }
            for (int p = 0; p < PARTITIONS; p++) {
                ignoreDuplicate(c, "INSERT INTO " + LEASE + " (partition_no) VALUES (?)", p);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + VERSION_TABLE
                    + " (version, description, applied_ms) VALUES (1, 'outbox, leases, inbox, dead letters', ?)")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.executeUpdate();
                log.info("sinew-outbox schema version 1 created ({})", d);
            } catch (SQLException e) {
                if (!Dialect.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
        checkTables(c, d);
        checkPartitions(c);
    }

    /**
     * Checks that every table exists with the expected columns, without creating anything.
     *
     * @throws SchemaException naming the missing or different table and column
     */
    public static void verify(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Dialect d = Dialect.of(c);
            checkTable(c, d, VERSION_TABLE);
            int version = version(c);
            if (version > CURRENT_VERSION) {
                throw tooNew(version);
            }
            if (version < CURRENT_VERSION) {
                throw new SchemaException("sinew-outbox schema is at version " + version + ", expected "
                        + CURRENT_VERSION + "; run the migration (OutboxCli migrate, or Outbox/Inbox.create)");
            }
            checkTables(c, d);
            checkPartitions(c);
        }
    }

    /** The applied schema version, 0 if none. */
    private static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + VERSION_TABLE)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static SchemaException tooNew(int version) {
        return new SchemaException("the database has sinew-outbox schema version " + version
                + " but this library only knows versions up to " + CURRENT_VERSION + "; upgrade sinew-outbox");
    }

    private static void ignoreDuplicate(Connection c, String sql, int arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, arg);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!Dialect.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    private static void checkPartitions(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(partition_no), MAX(partition_no) FROM " + LEASE)) {
            rs.next();
            if (rs.getInt(1) != PARTITIONS || rs.getInt(2) != 0 || rs.getInt(3) != PARTITIONS - 1) {
                throw new SchemaException("table " + LEASE + " must hold exactly the partitions 0 to "
                        + (PARTITIONS - 1) + " (one row each), but has " + rs.getInt(1) + " rows");
            }
        }
    }

    private static void checkTables(Connection c, Dialect d) throws SQLException {
        for (String table : TABLES.keySet()) {
            checkTable(c, d, table);
        }
    }

    private record Found(int jdbcType, String typeName, int size, boolean nullable) {
    }

    private static void checkTable(Connection c, Dialect d, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String schema = c.getSchema();
        Map<String, Found> found = new LinkedHashMap<>();
        try (ResultSet rs = md.getColumns(null, schema, d.catalogName(table), null)) {
            while (rs.next()) {
                found.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), new Found(rs.getInt("DATA_TYPE"),
                        rs.getString("TYPE_NAME"), rs.getInt("COLUMN_SIZE"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
            }
        }
        if (found.isEmpty()) {
            throw new SchemaException("table " + table + " does not exist in schema " + schema
                    + "; run the migration (OutboxCli migrate, or Outbox/Inbox.create)");
        }
        List<String> problems = new ArrayList<>();
        for (Column col : TABLES.get(table)) {
            Found f = found.get(col.name());
            String expected = col.kind().describe(d, col.size()) + (col.nullable() ? "" : " NOT NULL");
            if (f == null) {
                problems.add("column " + col.name() + " is missing (expected " + expected + ")");
            } else if (!col.kind().accepts(f.jdbcType(), f.typeName())) {
                problems.add("column " + col.name() + " has type " + f.typeName() + ", expected " + expected);
            } else if (col.size() > 0 && f.size() < col.size()) {
                problems.add("column " + col.name() + " has type " + f.typeName() + "(" + f.size()
                        + "), expected " + expected);
            } else if (!col.nullable() && f.nullable()) {
                problems.add("column " + col.name() + " allows NULL, expected " + expected);
            } else if (col.nullable() && !f.nullable()) {
                problems.add("column " + col.name() + " is NOT NULL, expected " + expected + " (nullable)");
            }
        }
        if (!problems.isEmpty()) {
            throw new SchemaException("table " + table + " exists but differs from what sinew-outbox expects: "
                    + String.join("; ", problems));
        }
    }
}
