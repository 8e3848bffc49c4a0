package dev.sinew.outbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.outbox.store.H2Recovery.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link H2Recovery} on files: a file copied while its database is open (what a SIGKILL leaves: no
 * clean-shutdown mark) is recovered with every committed row, a cleanly closed file is left alone.
 * That H2 without it loses the last commits after a real SIGKILL is shown by the shop's
 * {@code H2CrashRecoveryTest}, which kills a child JVM.
 */
class H2RecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aFileLeftOpenIsRecoveredWithEveryCommitAndThenIsClean() throws Exception {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        try (Connection c = DriverManager.getConnection("jdbc:h2:" + live + ";WRITE_DELAY=0", "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            for (int i = 0; i < 200; i++) {
                s.execute("INSERT INTO t VALUES (" + i + ")");
            }
            // the file as a kill would leave it: written, never closed
            Files.copy(Path.of(live + ".mv.db"), Path.of(crashed + ".mv.db"));
        }

        String url = "jdbc:h2:file:" + crashed + ";WRITE_DELAY=0";
        assertThat(H2Recovery.recoverUrl(url)).isEqualTo(Result.RECOVERED);
        assertThat(H2Recovery.recoverUrl(url)).as("a recovered file is closed cleanly").isEqualTo(Result.CLEAN);
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(200);
        }
        assertThat(H2Recovery.recoverUrl("jdbc:h2:" + live)).as("closed by its connection").isEqualTo(Result.CLEAN);
    }

    /**
     * The fixture is a file from a real SIGKILL (the shop's {@code H2CrashRecoveryTest}, trimmed to 21
     * rows per table with MVStore): transaction 1 (inbox row 22974, stock row 14 from 1148 to 1149, an
     * outbox row) was marked committed but not applied. H2 opens it without finishing the transaction:
     * it hides the committed rows, and a write to stock row 14 spins for ever.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTransactionCommittedButNotAppliedIsApplied() throws Exception {
        Path db = dir.resolve("db");
        try (var in = new GZIPInputStream(getClass().getResourceAsStream("/h2/committed-unapplied.mv.db.gz"))) {
            Files.copy(in, Path.of(db + ".mv.db"));
        }
        String url = "jdbc:h2:" + db + ";LOCK_TIMEOUT=2000";
        assertThat(count(url, "SELECT COUNT(*) FROM inbox")).as("without the fix: the committed row is hidden").isEqualTo(20);

        assertThat(H2Recovery.finishCommittedTransactions(db)).isEqualTo(1);

        assertThat(count(url, "SELECT COUNT(*) FROM inbox")).isEqualTo(21);
        assertThat(count(url, "SELECT COUNT(*) FROM inbox WHERE id = 22974")).isEqualTo(1);
        assertThat(count(url, "SELECT n FROM stock WHERE p = 14")).isEqualTo(1149);
        assertThat(count(url, "SELECT COUNT(*) FROM outbox WHERE k = 'o-22974'")).isEqualTo(1);
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("UPDATE stock SET n = n + 1 WHERE p = 14"); // spun for ever before
        }
        assertThat(count(url, "SELECT n FROM stock WHERE p = 14")).isEqualTo(1150);
        assertThat(H2Recovery.finishCommittedTransactions(db)).as("nothing left to apply").isZero();
    }

    private static long count(String url, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void urlsWithoutAFileOfThisProcessAreLeftAlone() {
        assertThat(H2Recovery.recoverUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isEqualTo(Result.NONE);
        assertThat(H2Recovery.recoverUrl("jdbc:h2:tcp://localhost/~/shop")).isEqualTo(Result.NONE);
        assertThat(H2Recovery.recoverUrl("jdbc:postgresql://127.0.0.1:5432/shop")).isEqualTo(Result.NONE);
        assertThat(H2Recovery.recoverUrl("jdbc:h2:" + dir.resolve("absent"))).as("no file yet").isEqualTo(Result.NONE);
        assertThat(H2Recovery.recoverUrl(null)).isEqualTo(Result.NONE);
    }

    @Test
    void filePathsAreReadAsH2ReadsThem() {
        Path home = Path.of(System.getProperty("user.home"));
        assertThat(H2Recovery.filePath("jdbc:h2:./data/shop;AUTO_SERVER=TRUE")).isEqualTo(Path.of("data/shop").toAbsolutePath());
        assertThat(H2Recovery.filePath("JDBC:H2:FILE:/var/db/shop")).isEqualTo(Path.of("/var/db/shop"));
        assertThat(H2Recovery.filePath("jdbc:h2:nio:/var/db/shop")).isEqualTo(Path.of("/var/db/shop"));
        assertThat(H2Recovery.filePath("jdbc:h2:~/shop;MODE=PostgreSQL")).isEqualTo(home.resolve("shop"));
        assertThat(H2Recovery.filePath("jdbc:h2:file:~/shop")).isEqualTo(home.resolve("shop"));
        assertThat(H2Recovery.filePath("jdbc:h2:zip:/backups/db.zip!/shop")).isNull();
        assertThat(H2Recovery.filePath("jdbc:h2:split:/var/db/shop")).isNull();
        assertThat(H2Recovery.filePath("jdbc:h2:;MODE=MySQL")).isNull();
    }
}
