package dev.sinew.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.outbox.store.Schema;
import dev.sinew.outbox.store.SchemaException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migration and schema checks. Runs on H2 and PostgreSQL. */
abstract class SchemaContract extends DbTestBase {

    @BeforeEach
    void empty() throws Exception {
        db.dropAll();
    }

    @Test
    void migrationCreatesEverythingAndIsIdempotent() throws Exception {
        Schema.migrate(db.dataSource());
        Schema.migrate(db.dataSource());
        Schema.verify(db.dataSource());
        assertThat(db.count("sinew_schema_version")).isEqualTo(1);
        assertThat(db.count("sinew_outbox_lease")).isEqualTo(Schema.PARTITIONS);
        for (String t : List.of("sinew_outbox", "sinew_outbox_relay", "sinew_inbox", "sinew_dead_letter")) {
            assertThat(db.count(t)).isZero();
        }
    }

    @Test
    void concurrentMigrationsAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fs.add(pool.submit(() -> {
                    Schema.migrate(db.dataSource());
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Schema.verify(db.dataSource());
        assertThat(db.count("sinew_outbox_lease")).isEqualTo(Schema.PARTITIONS);
    }

    @Test
    void aTableThatExistsWithOtherColumnsIsReportedByTableAndColumn() throws Exception {
        db.execute("CREATE TABLE sinew_outbox (id BIGINT PRIMARY KEY, topic INT NOT NULL, msg_key VARCHAR(10))");
        assertThatThrownBy(() -> Outbox.create(db.dataSource(), OutboxConfig.defaults()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table sinew_outbox exists but differs")
                .hasMessageContaining("column message_id is missing (expected VARCHAR(64) NOT NULL)")
                .hasMessageContaining("column topic has type")
                .hasMessageContaining("expected VARCHAR(249) NOT NULL")
                .hasMessageContaining("column msg_key has type")
                .hasMessageContaining("expected VARCHAR(1024)");
    }

    @Test
    void nullabilityDifferencesAreReported() throws Exception {
        db.execute("CREATE TABLE sinew_inbox (consumer VARCHAR(200) NOT NULL, message_id VARCHAR(200) NOT NULL, "
                + "status VARCHAR(16), processed_ms BIGINT NOT NULL, PRIMARY KEY (consumer, message_id))");
        assertThatThrownBy(() -> Schema.migrate(db.dataSource()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table sinew_inbox")
                .hasMessageContaining("column status allows NULL, expected VARCHAR(16) NOT NULL");
    }

    @Test
    void verifySaysWhichTableIsMissing() throws Exception {
        assertThatThrownBy(() -> Schema.verify(db.dataSource()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table sinew_schema_version does not exist")
                .hasMessageContaining("run the migration");
        Schema.migrate(db.dataSource());
        db.execute("DROP TABLE sinew_dead_letter");
        assertThatThrownBy(() -> Schema.verify(db.dataSource()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table sinew_dead_letter does not exist");
    }

    @Test
    void aNewerSchemaVersionIsRefused() throws Exception {
        Schema.migrate(db.dataSource());
        db.execute("INSERT INTO sinew_schema_version (version, description, applied_ms) VALUES (2, 'future', 0)");
        assertThatThrownBy(() -> Inbox.create(db.dataSource(), InboxConfig.builder().consumer("c").build()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("schema version 2")
                .hasMessageContaining("upgrade sinew-outbox");
    }

    @Test
    void missingLeaseRowsAreReported() throws Exception {
        Schema.migrate(db.dataSource());
        db.execute("DELETE FROM sinew_outbox_lease WHERE partition_no = 3");
        assertThatThrownBy(() -> Schema.verify(db.dataSource()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table sinew_outbox_lease must hold exactly the partitions 0 to 15");
    }
}
