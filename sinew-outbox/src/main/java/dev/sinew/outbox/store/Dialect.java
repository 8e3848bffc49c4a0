package dev.sinew.outbox.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The few places where H2 and PostgreSQL differ. All queries are the same SQL on both; only column
 * types in the DDL and the case of identifiers in the catalogue differ.
 */
public enum Dialect {
    /** H2 2.x (embedded, file mode). */
    H2("VARBINARY", "CHARACTER VARYING", true),
    /** PostgreSQL 12 and later. */
    POSTGRESQL("BYTEA", "TEXT", false);

    private final String binaryType;
    private final String textType;
    private final boolean upperCaseCatalog;

    Dialect(String binaryType, String textType, boolean upperCaseCatalog) {
        this.binaryType = binaryType;
        this.textType = textType;
        this.upperCaseCatalog = upperCaseCatalog;
    }

    /** The column type for opaque bytes of any length (payloads). */
    public String binaryType() {
        return binaryType;
    }

    /** The column type for text of any length (headers, error texts). */
    public String textType() {
        return textType;
    }

    /** An unquoted identifier as this database stores it in its catalogue. */
    public String catalogName(String identifier) {
        return upperCaseCatalog ? identifier.toUpperCase(Locale.ROOT) : identifier.toLowerCase(Locale.ROOT);
    }

    /**
     * A statement that serializes schema migrations across processes (PostgreSQL's CREATE TABLE IF
     * NOT EXISTS is not race-free), or null where DDL is already serialized (H2).
     */
    public String migrationLock() {
        return this == POSTGRESQL ? "SELECT pg_advisory_lock(72451)" : null;
    }

    /** Undoes {@link #migrationLock()}. */
    public String migrationUnlock() {
        return this == POSTGRESQL ? "SELECT pg_advisory_unlock(72451)" : null;
    }

    /** Whether {@code e} reports a unique or primary key violation (SQLSTATE 23505 on both). */
    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The dialect of the database behind {@code c}; fails clearly for any other database. */
    public static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if (product != null) {
            String p = product.toLowerCase(Locale.ROOT);
            if (p.equals("h2")) {
                return H2;
            }
            if (p.contains("postgres")) {
                return POSTGRESQL;
            }
        }
        throw new SQLException("unsupported database '" + product + "': sinew-outbox supports H2 and PostgreSQL");
    }
}
