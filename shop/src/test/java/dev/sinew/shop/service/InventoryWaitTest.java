package dev.sinew.shop.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The age of the oldest order awaiting inventory, on a real (in-memory H2) orders table and a test clock. */
class InventoryWaitTest {

    @Test
    void theOldestPendingOrderGivesTheAgeAndNoneGivesZero() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:inventory-wait;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, inventory_status VARCHAR(24) NOT NULL, "
                    + "created_ms BIGINT NOT NULL)");
            st.execute("INSERT INTO orders VALUES ('a', 'RESERVED', 1000), ('b', 'PENDING', 5000), ('c', 'PENDING', 9000), "
                    + "('d', 'OUT_OF_STOCK', 2000)");
        }
        AtomicLong now = new AtomicLong(12_500);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InventoryWait wait = new InventoryWait(ds, now::get, meters);
        assertThat(meters.get(InventoryWait.NAME).gauge().value()).isNaN(); // not measured yet

        wait.refresh();
        assertThat(meters.get(InventoryWait.NAME).gauge().value()).isEqualTo(7.5); // b, placed at 5 s
        now.set(20_000);
        wait.refresh();
        assertThat(wait.oldestSeconds()).isEqualTo(15.0);

        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("UPDATE orders SET inventory_status = 'RESERVED'");
        }
        wait.refresh();
        assertThat(wait.oldestSeconds()).isZero();

        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE orders");
        }
        assertThatThrownBy(wait::refresh).isInstanceOf(SQLException.class);
        assertThat(wait.oldestSeconds()).isNaN();
    }
}
