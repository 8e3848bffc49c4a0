package dev.sinew.shop.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit on hand-made order, payment and inventory databases (the services' schemas, reduced). */
class AuditTest {

    @TempDir
    Path dir;

    private final long old = System.currentTimeMillis() - 120_000;

    @BeforeEach
    void schemas() throws Exception {
        sql("order", "CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, status VARCHAR(24), inventory_status VARCHAR(24), "
                + "created_ms BIGINT, updated_ms BIGINT, placed_republished INT DEFAULT 0)");
        sql("payment", "CREATE TABLE charges (charge_id VARCHAR(64) PRIMARY KEY, order_id VARCHAR(64), status VARCHAR(16))");
        sql("inventory", "CREATE TABLE reservations (order_id VARCHAR(64) PRIMARY KEY, status VARCHAR(16), items VARCHAR(8000))",
                "CREATE TABLE stock (product_id VARCHAR(32) PRIMARY KEY, available INT, reserved INT)",
                "INSERT INTO stock VALUES ('p1', 8, 2), ('p2', 5, 0)");
        // the messaging tables the audit follows a missing outcome through (reduced to the columns it reads)
        sql("order", "CREATE TABLE sinew_outbox (message_id VARCHAR(64), topic VARCHAR(64), msg_key VARCHAR(64), sent_ms BIGINT)",
                "CREATE TABLE sinew_dead_letter (consumer VARCHAR(64), msg_key VARCHAR(64), error VARCHAR(8000))");
        sql("inventory", "CREATE TABLE sinew_inbox (consumer VARCHAR(64), message_id VARCHAR(64), status VARCHAR(16))",
                "CREATE TABLE sinew_dead_letter (consumer VARCHAR(64), msg_key VARCHAR(64), error VARCHAR(8000))");
        // a consistent history: o1 paid and reserved (2 x p1), o2 paid but out of stock
        order("o1", "PAID", "RESERVED", old);
        order("o2", "PAID", "OUT_OF_STOCK", old);
        sql("payment", "INSERT INTO charges VALUES ('c1', 'o1', 'CHARGED'), ('c2', 'o2', 'CHARGED')");
        sql("inventory", "INSERT INTO reservations VALUES ('o1', 'RESERVED', '[{\"productId\":\"p1\",\"quantity\":2}]'), "
                + "('o2', 'OUT_OF_STOCK', '[{\"productId\":\"p2\",\"quantity\":9}]')");
    }

    @Test
    void aConsistentShopPasses() throws Exception {
        AuditReport r = audit();
        assertThat(r.passed()).as(r.format()).isTrue();
        assertThat(r.counts()).containsEntry("orders", 2L).containsEntry("charges CHARGED", 2L)
                .containsEntry("inventory RESERVED", 1L).containsEntry("stock units reserved", 2L);
    }

    @Test
    void aDoubleChargeIsAViolation() throws Exception {
        sql("payment", "INSERT INTO charges VALUES ('c3', 'o1', 'CHARGED')");
        assertThat(audit().violations()).anyMatch(v -> v.contains("o1 was charged 2 times"));
    }

    @Test
    void aLostReservationIsAViolationOnlyAfterTheGracePeriod() throws Exception {
        order("o3", "PAID", "PENDING", System.currentTimeMillis());
        sql("payment", "INSERT INTO charges VALUES ('c3', 'o3', 'CHARGED')");
        assertThat(audit().passed()).as("in flight").isTrue();

        sql("order", "UPDATE orders SET created_ms = " + old + ", updated_ms = " + old + " WHERE id = 'o3'");
        assertThat(audit().violations()).anyMatch(v -> v.contains("o3") && v.contains("no stock reservation")
                && v.contains("not in order's outbox"));
    }

    @Test
    void aMissingOutcomeSaysWhereTheOrderPlacedMessageGotTo() throws Exception {
        for (String id : new String[] {"o5", "o6", "o7", "o8"}) {
            order(id, "PAID", "PENDING", old);
            sql("payment", "INSERT INTO charges VALUES ('c" + id + "', '" + id + "', 'CHARGED')");
        }
        sql("order", "INSERT INTO sinew_outbox VALUES ('m5', 'shop.orders', 'o5', NULL), ('m6', 'shop.orders', 'o6', " + old
                + "), ('m7', 'shop.orders', 'o7', " + old + "), ('m8', 'shop.orders', 'o8', " + old + ")");
        sql("inventory", "INSERT INTO sinew_inbox VALUES ('inventory', 'm7', 'DEAD'), ('inventory', 'm8', 'PROCESSED')",
                "INSERT INTO sinew_dead_letter VALUES ('inventory', 'o7', 'java.sql.SQLTimeoutException: lock timeout\n\tat x')");
        AuditReport r = audit();
        assertThat(r.violations())
                .anyMatch(v -> v.contains("o5") && v.contains("m5 is still unsent in order's outbox"))
                .anyMatch(v -> v.contains("o6") && v.contains("inventory's inbox has no record of it"))
                .anyMatch(v -> v.contains("o7") && v.contains("dead letters: java.sql.SQLTimeoutException: lock timeout")
                        && !v.contains("at x"))
                .anyMatch(v -> v.contains("o8") && v.contains("inventory's inbox says PROCESSED"));
        assertThat(r.counts()).containsEntry("dead letters in inventory", 1L).containsEntry("dead letters in order", 0L);
    }

    @Test
    void paidWithoutChargeStuckPendingAndStockMismatchAreViolations() throws Exception {
        order("o4", "PAID", "OUT_OF_STOCK", old);
        order("o5", "PAYMENT_PENDING", "OUT_OF_STOCK", old);
        sql("inventory", "INSERT INTO reservations VALUES ('o4', 'OUT_OF_STOCK', '[]'), ('o5', 'OUT_OF_STOCK', '[]'), "
                + "('o9', 'RESERVED', '[{\"productId\":\"p2\",\"quantity\":1}]')");
        AuditReport r = audit();
        assertThat(r.passed()).isFalse();
        assertThat(r.violations())
                .anyMatch(v -> v.contains("o4 is PAID but payment has no successful charge"))
                .anyMatch(v -> v.contains("o5 is still PAYMENT_PENDING"))
                .anyMatch(v -> v.contains("order o9 that the order service does not know"))
                .anyMatch(v -> v.contains("product p2: reserved 0 but RESERVED reservations hold 1"));
        assertThat(r.format()).contains("audit FAILED: " + r.violationCount());
    }

    @Test
    void aMissingDatabaseIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Audit.ofDataDir(dir.resolve("nothing"), Duration.ZERO))
                .hasMessageContaining("no order database");
    }

    private AuditReport audit() throws Exception {
        return Audit.ofDataDir(dir, Duration.ofSeconds(30)).run();
    }

    private void order(String id, String status, String inventory, long ms) throws Exception {
        sql("order", "INSERT INTO orders (id, status, inventory_status, created_ms, updated_ms) VALUES ('" + id + "', '"
                + status + "', '" + inventory + "', " + ms + ", " + ms + ")");
    }

    private void sql(String service, String... statements) throws Exception {
        Files.createDirectories(dir.resolve(service));
        try (Connection c = DriverManager.getConnection("jdbc:h2:" + dir.resolve(service).resolve("db") + ";AUTO_SERVER=TRUE", "sa", "");
             Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }
}
