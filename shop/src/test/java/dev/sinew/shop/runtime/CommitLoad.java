package dev.sinew.shop.runtime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link H2CrashRecoveryTest}: opens a service database the way a shop service
 * does ({@link Database#open}) and commits inbox-like transactions from two threads until it is
 * killed, printing {@code ACK <id>} after each commit returned: what a service would have answered.
 *
 * <p>{@code CommitLoad <data dir> <first id>}
 */
public final class CommitLoad {

    public static void main(String[] args) throws Exception {
        ServiceOptions o = new ServiceOptions("inventory", 0, Path.of(args[0]), Map.of(), null, null, null, null);
        Database db = Database.open(o, new SimpleMeterRegistry());
        db.ddl("CREATE TABLE IF NOT EXISTS inbox (id BIGINT PRIMARY KEY, ms BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS stock (p INT PRIMARY KEY, n BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), payload VARBINARY(2000), sent_ms BIGINT)");
        for (int p = 0; p < 20; p++) {
            db.ddl("MERGE INTO stock KEY (p) VALUES (" + p + ", 0)");
        }
        AtomicLong next = new AtomicLong(Long.parseLong(args[1]));
        byte[] payload = new byte[400];
        for (int t = 0; t < 2; t++) {
            Thread w = new Thread(() -> {
                while (true) {
                    long id = next.getAndIncrement();
                    try (Connection c = db.connection()) {
                        c.setAutoCommit(false);
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox VALUES (?, ?)")) {
                            ps.setLong(1, id);
                            ps.setLong(2, System.currentTimeMillis());
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps = c.prepareStatement("UPDATE stock SET n = n + 1 WHERE p = ?")) {
                            ps.setInt(1, (int) (id % 20));
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (k, payload) VALUES (?, ?)")) {
                            ps.setString(1, "o-" + id);
                            ps.setBytes(2, payload);
                            ps.executeUpdate();
                        }
                        c.commit();
                        System.out.println("ACK " + id);
                    } catch (SQLException e) {
                        System.out.println("ERR " + id + " " + e);
                    }
                }
            }, "commit-" + t);
            w.start();
        }
        // the relay's part: mark rows sent, delete old ones (the churn that frees chunks for reuse)
        while (true) {
            try (Connection c = db.connection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE outbox SET sent_ms = " + System.currentTimeMillis() + " WHERE sent_ms IS NULL");
                s.executeUpdate("DELETE FROM outbox WHERE sent_ms < " + (System.currentTimeMillis() - 1000));
            } catch (SQLException e) {
                System.out.println("RELAY " + e);
            }
            Thread.sleep(50);
        }
    }

    private CommitLoad() {
    }
}
