package dev.sinew.shop.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.outbox.store.H2Recovery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's H2 database keeps every commit it acknowledged when its process is SIGKILLed. A child
 * JVM ({@link CommitLoad}) commits through {@link Database#open} — the shop's URL and pool — and
 * prints each id once its commit returned; it is killed at a random moment, the database is opened
 * again as a restarted service opens it, and every acknowledged id must be there. Six rounds on one
 * file.
 *
 * <p>The child runs with the shop's H2 settings plus {@code RETENTION_TIME=1000}: H2 reuses the space
 * of dead chunks after the retention time (45 s by default), and reuse is what makes H2 lose the last
 * commits after a kill (see {@link H2Recovery}); a 1 s retention gets there in seconds instead of
 * minutes. Without the recovery ({@code -Dsinew.h2.recovery=false}) this test fails: measured
 * 2026-11-27, losses of 1-7 acknowledged ids in 3 of 5 kills. A kill between H2's commit decision and
 * its application left a transaction H2 never finishes (its rows stay locked, and the next child spun
 * on them at start): seen in 1 of 6 kills on 2026-11-28; the recovery applies it now.
 */
class H2CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedCommitSurvivesSigkill() throws Exception {
        Random random = new Random();
        List<String> losses = new ArrayList<>();
        long acknowledged = 0;
        for (int round = 0; round < 6; round++) {
            long firstId = round * 1_000_000L;
            ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
            Process child = start(firstId);
            try {
                Thread reader = readAcks(child, acks);
                // past the retention time, so freed chunks get reused, then a kill at a random moment
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3_000 + random.nextInt(3_000));
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline || acks.size() < 50) {
                    assertThat(child.isAlive()).as("the child died before the kill; its output: %s", acks).isTrue();
                    assertThat(System.nanoTime() - giveUp).as("round %d: the child acknowledged only %d commits in 60 s"
                            + " (a database it cannot write after the last kill?)", round, acks.size()).isNegative();
                    Thread.sleep(50);
                }
                child.destroyForcibly(); // SIGKILL
                child.waitFor(10, TimeUnit.SECONDS);
                reader.join(5_000);
            } finally {
                child.destroyForcibly(); // never leave a child behind, whatever failed
            }

            Set<Long> stored = storedIds();
            List<Long> missing = new ArrayList<>();
            for (Long id : acks) {
                if (!stored.contains(id)) {
                    missing.add(id);
                }
            }
            acknowledged += acks.size();
            if (!missing.isEmpty()) {
                losses.add("round " + round + ": " + missing.size() + " of " + acks.size() + " acknowledged commits lost " + missing);
            }
        }
        assertThat(acknowledged).as("commits acknowledged by the child").isGreaterThan(300);
        assertThat(losses).as("acknowledged commits missing after SIGKILL and reopen").isEmpty();
    }

    private Process start(long firstId) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsinew.shop.h2.settings=" + ServiceOptions.H2_SETTINGS + ";RETENTION_TIME=1000",
                "-D" + H2Recovery.PROPERTY + "=" + System.getProperty(H2Recovery.PROPERTY, "true"),
                "-cp", System.getProperty("java.class.path"), CommitLoad.class.getName(), dir.toString(),
                Long.toString(firstId)));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static Thread readAcks(Process child, ConcurrentLinkedQueue<Long> acks) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("ACK ")) {
                        acks.add(Long.parseLong(line.substring(4).trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the kill cut the last line
            }
        }, "acks");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Opens the database as a restarted service does and reads every id. */
    private Set<Long> storedIds() throws Exception {
        Set<Long> ids = new HashSet<>();
        ServiceOptions o = new ServiceOptions("inventory", 0, dir, Map.of(), null, null, null, null);
        try (Database db = Database.open(o, new SimpleMeterRegistry());
             Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM inbox")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
