package dev.sinew.outbox;

import dev.sinew.outbox.store.Schema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * How far the relays are behind: the number of committed rows not yet sent and the age of the
 * oldest of them ({@link Duration#ZERO} when nothing is waiting).
 */
public record Lag(long unsentRows, Duration oldestAge) {

    /** Measures the lag of the outbox in {@code ds} now, by {@code clock}. */
    public static Lag measure(DataSource ds, Clock clock) throws SQLException {
        try (Connection c = ds.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(created_ms) FROM " + Schema.OUTBOX
                     + " WHERE sent_ms IS NULL")) {
            rs.next();
            long rows = rs.getLong(1);
            long oldest = rs.getLong(2);
            boolean none = rs.wasNull();
            Duration age = none ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - oldest));
            return new Lag(rows, age);
        }
    }
}
