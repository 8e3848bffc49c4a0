package dev.sinew.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** One database per test class (H2 or PostgreSQL), emptied before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DbTestBase {

    TestDb db;

    abstract TestDb createDb();

    @BeforeAll
    void openDb() {
        db = createDb();
    }

    @AfterAll
    void closeDb() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void resetDb() throws SQLException {
        db.reset();
    }

    /** Publishes one message per (key, payload) in one committed transaction each. */
    static void publishCommitted(Outbox outbox, javax.sql.DataSource ds, String topic, String key, String payload)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, topic, key, payload.getBytes(StandardCharsets.UTF_8), Map.of());
            c.commit();
        }
    }
}
