package dev.sinew.shop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.shop.audit.Audit;
import dev.sinew.shop.audit.AuditReport;
import dev.sinew.shop.load.LoadConfig;
import dev.sinew.shop.load.LoadGenerator;
import dev.sinew.shop.load.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kill campaign: the real shop (broker + 7 service JVMs) under an order-heavy load; inventory
 * and order are SIGKILLed again and again at random moments (then started again), and at the end
 * the audit says whether acknowledged work was lost. The placement repair is switched off in the
 * services ({@code -Dsinew.shop.repair.after=1h}) so a lost message shows up as a lost order
 * instead of being healed a minute later.
 *
 * <p>Off by default (minutes of machine time): {@code -Dshop.kills=N} runs N rounds. Options:
 * <ul>
 *   <li>{@code shop.kills.targets} (default {@code inventory,order}): killed in turn each round;</li>
 *   <li>{@code shop.kills.down-ms} (default 3000): how long a killed service stays down;</li>
 *   <li>{@code shop.kills.audit-while-down} (default false): run the audit from this JVM while the
 *       target is down, as a game day or {@code ./sinew audit} could (issue 5's hypothesis: the audit
 *       then becomes the H2 file's server and the restarted service its TCP client);</li>
 *   <li>{@code shop.kills.postgres} (default false): order, payment and inventory on the PostgreSQL
 *       server at 127.0.0.1:5432 (one fresh database each, dropped afterwards) instead of H2 files,
 *       to tell the database from the shop's own logic;</li>
 *   <li>{@code shop.kills.rate} (requests/s, default 20), {@code shop.kills.base-port},
 *       {@code shop.kills.broker-port} (default free ports), {@code shop.kills.dir} (default a new
 *       directory under /tmp), {@code shop.kills.seed}.</li>
 * </ul>
 * The report goes to stdout and {@code target/shop-kills.txt}; on a loss the services' logs are
 * kept in {@code target/shop-kills-logs}.
 */
class ShopKillCampaignTest {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void acknowledgedWorkSurvivesRepeatedKills() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("shop.kills") != null,
                "kill campaign off; run with -Dshop.kills=<rounds>");
        int rounds = Integer.getInteger("shop.kills");
        List<String> targets = Arrays.asList(System.getProperty("shop.kills.targets", "inventory,order").split(","));
        long downMs = Long.getLong("shop.kills.down-ms", 3000);
        boolean auditWhileDown = Boolean.getBoolean("shop.kills.audit-while-down");
        boolean postgres = Boolean.getBoolean("shop.kills.postgres");
        double rate = Double.parseDouble(System.getProperty("shop.kills.rate", "20"));
        Random random = new Random(Long.getLong("shop.kills.seed", 7));
        Path dir = Path.of(System.getProperty("shop.kills.dir",
                "/tmp/shop-kills-" + UUID.randomUUID().toString().substring(0, 8)));
        Files.createDirectories(dir);

        StringBuilder report = new StringBuilder();
        report.append(String.format("kill campaign: %d rounds of %s, down %d ms, audit while down %s, %s, %.0f requests/s, %s%n",
                rounds, targets, downMs, auditWhileDown, postgres ? "PostgreSQL"
                        : "H2 files (" + System.getProperty("shop.kills.h2-settings", "default settings") + ")", rate, dir));
        Map<String, String> pgUrls = new LinkedHashMap<>();
        Shop.Builder builder = Shop.builder().dataDir(dir)
                .basePort(Integer.getInteger("shop.kills.base-port", 0))
                .brokerPort(Integer.getInteger("shop.kills.broker-port", 0))
                .jvmArgs(jvmArgs());
        if (postgres) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            for (String s : List.of("order", "payment", "inventory")) {
                String db = "kills_" + s + "_" + suffix;
                pgAdmin("CREATE DATABASE " + db);
                pgUrls.put(s, PG + db);
                builder.jdbcUrl(s, PG + db);
            }
            builder.jdbcUser("postgres");
        }
        Audit audit = postgres
                ? Audit.ofUrls(pgUrls.get("order"), pgUrls.get("payment"), pgUrls.get("inventory"), "postgres", "", Duration.ofSeconds(5))
                : null;
        AuditReport last = null;
        long t0 = System.nanoTime();
        try (Shop shop = builder.build().start()) {
            if (audit == null) {
                audit = Audit.ofDataDir(dir, Duration.ofSeconds(5));
            }
            report.append(String.format("shop started in %.1f s%n", (System.nanoTime() - t0) / 1e9));
            LoadGenerator load = LoadGenerator.start(LoadConfig.builder().target(shop.gatewayUrl()).rate(rate)
                    .duration(Duration.ofHours(1)).mix("order=50,get-order=20,pay=10,products=20").seed(42).build());
            Thread.sleep(5_000);
            int auditsWhileDown = 0;
            for (int round = 1; round <= rounds; round++) {
                for (String target : targets) {
                    // a random moment, so some kills land inside an inbox transaction or right after it
                    Thread.sleep(1_000 + random.nextInt(3_000));
                    shop.kill(target);
                    if (auditWhileDown) {
                        try {
                            audit.run();
                            auditsWhileDown++;
                        } catch (Exception e) {
                            report.append("audit while ").append(target).append(" down failed: ").append(e.getMessage()).append('\n');
                        }
                    }
                    Thread.sleep(downMs);
                    long r0 = System.nanoTime();
                    shop.startNode(target);
                    report.append(String.format("round %d: %s killed, back in %.1f s%n", round, target,
                            (System.nanoTime() - r0) / 1e9));
                }
            }
            LoadResult all = load.stopAndAwait();
            report.append("whole run:\n").append(all.format());
            report.append("audits run while a target was down: ").append(auditsWhileDown).append('\n');

            // every order must reach an inventory outcome: wait until the audit passes or 90 s have passed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            Thread.sleep(6_000);
            last = audit.run();
            while (!last.passed() && System.nanoTime() < deadline) {
                Thread.sleep(3_000);
                last = audit.run();
            }
            report.append("audit after recovery:\n").append(last.format());
            if (!last.passed()) {
                RunArtifacts.keepLogs(dir, "shop-kills-logs");
            }
        } finally {
            report.append(String.format("campaign took %.0f s%n", (System.nanoTime() - t0) / 1e9));
            System.out.println(report);
            RunArtifacts.writeReport("shop-kills.txt", report.toString());
            for (String url : pgUrls.values()) {
                pgAdmin("DROP DATABASE IF EXISTS " + url.substring(PG.length()) + " WITH (FORCE)");
            }
        }
        assertThat(last.lostOrders()).as("lost orders; report:%n%s", report).isZero();
        assertThat(last.violations()).as("audit violations; report:%n%s", report).isEmpty();
    }

    /** The services' JVM options: the repair off, inbox offsets logged, and {@code shop.kills.h2-settings} if given. */
    private static List<String> jvmArgs() {
        List<String> args = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsinew.log.inbox=DEBUG", "-Dsinew.shop.repair.after=1h"));
        String h2 = System.getProperty("shop.kills.h2-settings");
        if (h2 != null) {
            args.add("-Dsinew.shop.h2.settings=" + h2);
        }
        return args;
    }

    private static void pgAdmin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
