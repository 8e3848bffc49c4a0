package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.chaos.experiment.ExperimentParser;
import dev.sinew.chaos.gameday.ExperimentResult;
import dev.sinew.chaos.gameday.GamedayReport;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Skipped;
import dev.sinew.shop.launcher.Shop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short game day on the real shop (broker + 7 service processes with --chaos): two experiments of
 * a few seconds each — payment +2 s latency from the default suite (in-process faults on order's
 * payment pipeline) and a recommendation freeze from an experiment file — then the report is checked:
 * files written, a verdict with a reason per experiment, plausible numbers, the audit passed.
 */
class GamedayProcessTest {

    private static final String RECOMMENDATION_FREEZE = """
            {"title": "recommendation frozen",
             "hypothesis": [{"probe": "success", "route": "GET /api/products", "at-least": 0.9},
                            {"probe": "success", "route": "recommendations", "at-least": 0.9},
                            {"probe": "audit"}],
             "method": [{"fault": "freeze", "target": "recommendation", "duration": "4s"}],
             "rollback": [{"action": "resume", "target": "recommendation"}],
             "abort": [{"when": "success-below", "route": "all", "success": 0.2}],
             "proof": [{"check": "stops-answering", "target": "recommendation", "within": "3s"}]}
            """;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void twoShortExperimentsOnTheRealShop(@TempDir Path dir) throws Exception {
        GamedayConfig config = GamedayConfig.builder().rate(20).baseline(Duration.ofSeconds(3)).fault(Duration.ofSeconds(4))
                .recovery(Duration.ofSeconds(5)).steadyTimeout(Duration.ofSeconds(30)).progress(System.out).build();
        Suite defaults = Suite.defaults(List.of("payment", "inventory"), List.of("latency"), config.shape());
        Plan fromFile = Suite.fromExperiment(ExperimentParser.parse("recommendation-freeze.json", RECOMMENDATION_FREEZE),
                config.shape());
        Suite suite = new Suite(List.of(defaults.plans().get(0), fromFile), defaults.skipped());

        GamedayReport report;
        long t0 = System.nanoTime();
        try (Shop shop = Shop.builder().dataDir(dir.resolve("data")).chaos(true).build().start()) {
            report = new Gameday(shop, config).run(suite, "Sinew shop game day (test)", Map.of());
        }
        Path[] files = GamedayCommand.write(report, dir.resolve("out"));
        System.out.printf("game day test took %.1f s%n%s", (System.nanoTime() - t0) / 1e9,
                Files.readString(files[0]));

        for (Path f : files) {
            assertThat(f).exists();
            assertThat(Files.size(f)).isGreaterThan(500);
        }
        assertThat(Files.readString(files[2])).contains("<svg").contains("payment latency").contains("recommendation frozen");
        assertThat(Files.readString(files[1])).contains("## payment latency").contains("## recommendation frozen");

        assertThat(report.experiments()).extracting(ExperimentResult::name)
                .containsExactly("payment latency", "recommendation frozen");
        assertThat(report.skipped()).extracting(Skipped::target).containsExactly("inventory");
        for (ExperimentResult e : report.experiments()) {
            assertThat(e.verdict().reason()).as(e.name()).isNotBlank();
            assertThat(e.proofHeld()).as(e.name() + ": " + e.proof()).isTrue();
            // about 20 requests/s over a 4 s fault window, every route answered one way or another
            long requests = e.all().total();
            assertThat(requests).as(e.name() + " requests in the fault window").isBetween(30L, 140L);
            assertThat(e.faultSeconds()).isBetween(3.9, 6.0);
            assertThat(e.timeline().size()).isBetween((int) e.totalSeconds(), (int) e.totalSeconds() + 1);
            assertThat(e.timeline().stream().mapToLong(s -> s.requests()).sum()).isGreaterThan(requests);
            assertThat(e.all().p50Millis()).isPositive();
            assertThat(e.invariants().checked()).isTrue();
            assertThat(e.invariants().lostOrders()).isZero();
            assertThat(e.invariants().duplicateCharges()).isZero();
        }
        // payment answers 2 s late: orders come back at once, degraded (PAYMENT_PENDING), not after 2 s
        RouteResult order = route(report.experiments().get(0), "order");
        assertThat(order.affected()).isTrue();
        assertThat(order.degraded()).isPositive();
        assertThat(order.p50Millis()).isLessThan(1_500);
        assertThat(report.experiments().get(0).proof()).contains("payment pipeline of order");
        // a frozen recommendation service: the gateway falls back to popular products
        RouteResult recs = route(report.experiments().get(1), "recommendations");
        assertThat(recs.degraded()).isPositive();
        assertThat(report.experiments().get(1).proof()).contains("/health/live no answer");

        assertThat(report.finalAudit().passed()).as(report.finalAudit().toString()).isTrue();
        assertThat(report.summary()).contains("final audit passed");
    }

    private static RouteResult route(ExperimentResult e, String name) {
        return e.routes().stream().filter(r -> r.route().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(e.name() + " has no " + name + " requests: " + e.routes()));
    }
}
