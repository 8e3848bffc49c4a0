package dev.sinew.shop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.shop.audit.Audit;
import dev.sinew.shop.audit.AuditReport;
import dev.sinew.shop.load.LoadConfig;
import dev.sinew.shop.load.LoadGenerator;
import dev.sinew.shop.load.LoadResult;
import dev.sinew.shop.load.Outcome;
import dev.sinew.shop.load.Route;
import dev.sinew.shop.load.RouteStats;
import dev.sinew.shop.load.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault test, on real processes: the shop (broker + 7 service JVMs) under open-loop load;
 * each target is SIGKILLed for 10 s (then started again), then SIGSTOPped for 10 s (then SIGCONTed).
 * During each fault: routes that do not need the target keep >= 99% success (2xx, degraded counts),
 * routes that need it answer degraded, 503 or plainly within 1 s in >= 99% of requests (never hang);
 * after recovery the audit passes (no lost reservation, no double charge, nothing stuck).
 *
 * <p>Off by default: its audit caught an intermittent lost stock reservation (an order PAID with no
 * reservation and no out-of-stock outcome after a run of kills and freezes). The cause was H2
 * reopening the killed service's file without its last commits, recovered now by
 * sinew-outbox's {@code H2Recovery} (SHOP.md, "Known issue: H2 loses the last commits after SIGKILL";
 * {@code ShopKillCampaignTest} reproduces it); this test has not been re-run since that fix.
 * {@code -Dshop.faults=short} (~3-4 min on 2 cores): payment, inventory and the broker.
 * {@code -Dshop.faults=full}: also recommendation, auth, catalog and order (~7-9 min).
 * {@code -Dshop.faults.rate=40} sets the load (requests/s).
 */
class ShopFaultTest {

    /** Which routes need which node; every other route must keep working while it is down or hung. */
    private static final Map<String, Set<Route>> NEEDS = Map.of(
            "payment", EnumSet.of(Route.ORDER, Route.PAY),
            "inventory", EnumSet.noneOf(Route.class),
            "broker", EnumSet.noneOf(Route.class),
            "recommendation", EnumSet.of(Route.RECOMMENDATIONS),
            "auth", EnumSet.of(Route.LOGIN),
            "catalog", EnumSet.of(Route.PRODUCTS, Route.PRODUCT, Route.RECOMMENDATIONS, Route.ORDER),
            "order", EnumSet.of(Route.ORDER, Route.GET_ORDER, Route.PAY));

    private static final Duration FAULT = Duration.ofSeconds(10);
    private static final Duration ANSWER_WITHIN = Duration.ofMillis(Long.getLong("shop.faults.answer-within-ms", 1000));

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void eachServiceKilledThenFrozenUnderLoad(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("shop.faults") != null,
                "fault campaign off; run with -Dshop.faults=short or -Dshop.faults=full");
        List<String> targets = "full".equals(System.getProperty("shop.faults"))
                ? List.of("payment", "inventory", "recommendation", "auth", "catalog", "broker", "order")
                : List.of("payment", "inventory", "broker");
        double rate = Double.parseDouble(System.getProperty("shop.faults.rate", "40"));
        List<String> problems = new ArrayList<>();
        StringBuilder report = new StringBuilder();

        long t0 = System.nanoTime();
        // the inbox consumers log their settled and committed offsets, so a lost message can be traced
        try (Shop shop = Shop.builder().dataDir(dir).jvmArgs(List.of("-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dsinew.log.inbox=DEBUG")).build().start()) {
            report.append(String.format("shop started in %.1f s%n", (System.nanoTime() - t0) / 1e9));
            LoadGenerator load = LoadGenerator.start(LoadConfig.builder().target(shop.gatewayUrl()).rate(rate)
                    .duration(Duration.ofMinutes(30)).mix(LoadConfig.DEFAULT_MIX + ",pay=5").seed(42).build());
            report.append(awaitSteady(load, "warm-up"));
            long h0 = load.elapsedNanos();
            sleep(Duration.ofSeconds(10));
            LoadResult healthy = load.window(h0, load.elapsedNanos());
            report.append("healthy, ").append(rate).append(" requests/s:\n").append(healthy.format());
            for (RouteStats s : healthy.routes().values()) {
                if (s.successRatio() < 0.99) {
                    problems.add("healthy: " + s.route() + " success " + pct(s.successRatio()));
                }
            }

            for (String target : targets) {
                for (String mode : List.of("kill", "freeze")) {
                    long f0 = load.elapsedNanos();
                    if (mode.equals("kill")) {
                        shop.kill(target);
                    } else {
                        shop.freeze(target);
                    }
                    sleep(FAULT);
                    long f1 = load.elapsedNanos();
                    long r0 = System.nanoTime();
                    if (mode.equals("kill")) {
                        shop.startNode(target);
                    } else {
                        shop.thaw(target);
                    }
                    double recovery = (System.nanoTime() - r0) / 1e9;
                    String steady = awaitSteady(load, "after " + mode + " " + target);
                    LoadResult w = load.window(f0, f1);
                    report.append(String.format("%n%s %s for %d s (restart/thaw took %.1f s):%n", mode, target,
                            FAULT.toSeconds(), recovery)).append(w.format()).append(steady);
                    judge(target + " " + mode, NEEDS.get(target), w, problems);
                }
            }
            LoadResult all = load.stopAndAwait();
            report.append("\nwhole run:\n").append(all.format());

            // recovery: once the load stops, every order must reach a final, consistent state
            sleep(Duration.ofSeconds(6));
            Audit audit = Audit.ofDataDir(dir, Duration.ofSeconds(5));
            AuditReport last = audit.run();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!last.passed() && System.nanoTime() < deadline) {
                sleep(Duration.ofSeconds(3));
                last = audit.run();
            }
            report.append("\naudit after recovery:\n").append(last.format());
            if (!last.passed()) {
                problems.add("audit: " + last.violationCount() + " violation(s): " + last.violations());
                RunArtifacts.keepLogs(dir, "shop-faults-logs");
            }
            long repaired = last.counts().getOrDefault("orders repaired (OrderPlaced published again)", 0L);
            if (repaired > 0) {
                // not a failure of the shop (the repair is part of it), but an OrderPlaced did not make it the
                // first time: keep the evidence (issue 5's open lost-message question)
                report.append(String.format("%nNOTE: %d order(s) needed the placement repair; logs kept in "
                        + "target/shop-faults-logs%n", repaired));
                RunArtifacts.keepLogs(dir, "shop-faults-logs");
            }
        } finally {
            System.out.println(report);
            RunArtifacts.writeReport("shop-faults.txt", report.toString());
        }
        assertThat(problems).as("fault test problems; full report:%n%s", report).isEmpty();
    }

    /**
     * Waits (at most 120 s) until the last completed seconds of load look healthy: >= 99% success and
     * p99 < 500 ms. Faults start from a steady state, and one fault's recovery does not count against
     * the next. On a machine too busy to get there, the test goes on and the report says so.
     */
    private static String awaitSteady(LoadGenerator load, String phase) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        long settle = TimeUnit.MILLISECONDS.toNanos(2500); // requests intended later may still be in flight
        sleep(Duration.ofSeconds(3));
        while (true) {
            long now = load.elapsedNanos();
            LoadResult w = load.window(now - settle - TimeUnit.SECONDS.toNanos(4), now - settle);
            if (w.total().total() >= 20 && w.total().successRatio() >= 0.99 && w.total().p99Millis() < 500) {
                return String.format("steady again %.1f s after %s%n", (System.nanoTime() - start) / 1e9, phase);
            }
            if (System.nanoTime() > deadline) {
                return String.format("NOT steady 120 s after %s (last 4 s: success %s, p99 %.0f ms)%n", phase,
                        pct(w.total().successRatio()), w.total().p99Millis());
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    private static void judge(String fault, Set<Route> needed, LoadResult w, List<String> problems) {
        for (Route route : Route.values()) {
            RouteStats s = w.route(route);
            if (s.total() == 0) {
                continue;
            }
            if (needed.contains(route)) {
                long answered = 0;
                for (Sample x : w.samples()) {
                    if (x.route() == route && x.outcome() != Outcome.FAILED && x.latencyNanos() <= ANSWER_WITHIN.toNanos()) {
                        answered++;
                    }
                }
                double ratio = answered / (double) s.total();
                if (ratio < 0.99) {
                    problems.add(fault + ": " + route.label() + " (needs it) answered within " + ANSWER_WITHIN.toMillis()
                            + " ms in " + pct(ratio) + " of " + s.total() + " (ok " + s.ok() + ", degraded " + s.degraded()
                            + ", rejected " + s.rejected() + ", failed " + s.failed() + ", p99 " + s.p99Millis() + " ms)");
                }
            } else if (s.successRatio() < 0.99) {
                problems.add(fault + ": " + route.label() + " (does not need it) success " + pct(s.successRatio())
                        + " of " + s.total() + " (rejected " + s.rejected() + ", failed " + s.failed() + ")");
            }
        }
    }

    private static String pct(double r) {
        return String.format("%.1f%%", r * 100);
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
