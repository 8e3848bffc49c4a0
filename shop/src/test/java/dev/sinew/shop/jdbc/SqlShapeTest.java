package dev.sinew.shop.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlShapeTest {

    @Test
    void kindAndTableComeFromTheSql() {
        assertThat(SqlShape.of("SELECT * FROM orders WHERE id = ?")).isEqualTo(new SqlShape("select", "orders"));
        assertThat(SqlShape.of("  select count(*) from PUBLIC.\"Outbox\" o")).isEqualTo(new SqlShape("select", "outbox"));
        assertThat(SqlShape.of("INSERT INTO orders (id) VALUES (?)")).isEqualTo(new SqlShape("insert", "orders"));
        assertThat(SqlShape.of("UPDATE orders SET x = (SELECT 1 FROM other_t) WHERE id = ?")).isEqualTo(new SqlShape("update", "orders"));
        assertThat(SqlShape.of("DELETE FROM inbox WHERE id = ?")).isEqualTo(new SqlShape("delete", "inbox"));
        assertThat(SqlShape.of("/* c */ -- x\nselect a from (select 1 a) t")).isEqualTo(new SqlShape("select", "other")); // subquery in FROM
        assertThat(SqlShape.of("SELECT 1")).isEqualTo(new SqlShape("select", "other"));
        assertThat(SqlShape.of("CREATE TABLE IF NOT EXISTS x (id INT)")).isEqualTo(SqlShape.OTHER);
        assertThat(SqlShape.of("")).isEqualTo(SqlShape.OTHER);
        assertThat(SqlShape.of("select * from \"weird-name!\"")).isEqualTo(new SqlShape("select", "other"));
    }
}
