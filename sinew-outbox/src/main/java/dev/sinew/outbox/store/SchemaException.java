package dev.sinew.outbox.store;

import java.sql.SQLException;

/**
 * The database's tables do not match what this library expects: a table is missing, a column is
 * missing or has another type, or the schema is newer than this library. The message names the
 * table, the column, what was found and what was expected.
 */
public final class SchemaException extends SQLException {

    public SchemaException(String message) {
        super(message);
    }
}
