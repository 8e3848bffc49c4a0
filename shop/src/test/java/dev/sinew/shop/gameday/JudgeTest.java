package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.chaos.gameday.Amplification;
import dev.sinew.chaos.gameday.Invariants;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Verdict;
import dev.sinew.shop.load.Route;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verdicts: what makes an experiment pass, fail or abort, and that the reason names it. */
class JudgeTest {

    private static final List<Check> CHECKS = List.of(Check.success(Route.PRODUCTS, 0.99),
            Check.answeredWithin(Route.ORDER, 0.99, Duration.ofSeconds(1)), Check.audit());
    private static final Invariants CLEAN = new Invariants(true, 0, 0, 0, "");

    private static RouteResult products(long failed) {
        return new RouteResult("products", false, 200, 200 - failed, 0, 0, failed, 10, 40, 1.0);
    }

    private static RouteResult order(double answered) {
        return new RouteResult("order", true, 100, 10, 80, 10, 0, 300, 900, answered);
    }

    @Test
    void passesWhenEveryCheckHoldsAndSaysWhat() {
        Verdict v = Judge.verdict(CHECKS, List.of(products(1), order(1.0)), true, "payment process gone", CLEAN, null);
        assertThat(v.status()).isEqualTo(Verdict.Status.PASS);
        assertThat(v.reason()).contains("routes that do not need it served 99.5% at the lowest (products)").contains("order 80 degraded/10 rejected")
                .contains("audit passed");
    }

    @Test
    void retryAmplificationAboveTheTargetFailsAFullOutageAndIsJudgedOnlyWithEnoughCalls() {
        List<Check> checks = List.of(Check.success(Route.PRODUCTS, 0.99), Check.amplification(1.2), Check.audit());
        List<RouteResult> routes = List.of(products(0), order(1.0));
        Verdict piled = Judge.verdict(checks, routes, new Amplification(100, 150, List.of("gateway")), true, "x", CLEAN, null);
        assertThat(piled.status()).isEqualTo(Verdict.Status.FAIL);
        assertThat(piled.reason()).isEqualTo("retry amplification 1.50x (150 attempts for 100 calls) > 1.2x");
        Verdict spared = Judge.verdict(checks, routes, new Amplification(100, 40, List.of("gateway")), true, "x", CLEAN, null);
        assertThat(spared.status()).isEqualTo(Verdict.Status.PASS);
        assertThat(spared.reason()).contains("retry amplification 0.40x (40 attempts for 100 calls) ≤ 1.2x");
        assertThat(Judge.verdict(checks, routes, new Amplification(100, 120, List.of("gateway")), true, "x", CLEAN, null)
                .status()).as("exactly at the target holds").isEqualTo(Verdict.Status.PASS);
        Verdict few = Judge.verdict(checks, routes, new Amplification(10, 30, List.of("gateway")), true, "x", CLEAN, null);
        assertThat(few.status()).as("10 calls are too few to judge a ratio").isEqualTo(Verdict.Status.PASS);
        assertThat(few.reason()).doesNotContain("amplification");
        assertThat(Judge.verdict(checks, routes, Amplification.NONE, true, "x", CLEAN, null).status())
                .isEqualTo(Verdict.Status.PASS);
    }

    @Test
    void failsOnAnUnaffectedRouteBelowItsShare() {
        Verdict v = Judge.verdict(CHECKS, List.of(products(3), order(1.0)), true, "x", CLEAN, null);
        assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
        assertThat(v.reason()).contains("products served 98.5% < 99.0% (3 failed");
    }

    @Test
    void failsWhenANeedyRouteHangs() {
        Verdict v = Judge.verdict(CHECKS, List.of(products(0), order(0.95)), true, "x", CLEAN, null);
        assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
        assertThat(v.reason()).contains("order answered within 1000 ms in 95.0% < 99.0%");
    }

    @Test
    void failsOnTheAuditAndWithoutProofAndAbortWins() {
        Invariants lost = new Invariants(true, 2, 1, 4, "still failing");
        assertThat(Judge.verdict(CHECKS, List.of(products(0)), true, "x", lost, null).reason())
                .contains("audit: 2 lost orders, 1 duplicate charges, 4 violations");
        Verdict noProof = Judge.verdict(CHECKS, List.of(products(0)), false, "payment still answers /health/live", CLEAN, null);
        assertThat(noProof.status()).isEqualTo(Verdict.Status.FAIL);
        assertThat(noProof.reason()).startsWith("no proof the fault took effect: payment still answers");
        Verdict aborted = Judge.verdict(CHECKS, List.of(products(50)), true, "x", CLEAN, "products served < 50%");
        assertThat(aborted.status()).isEqualTo(Verdict.Status.ABORTED);
        assertThat(aborted.reason()).contains("products served < 50%");
        assertThat(Judge.verdict(CHECKS, List.of(products(0)), true, "x", Invariants.notChecked("db locked"), null).reason())
                .contains("audit not run: db locked");
    }

    @Test
    void aRouteWithoutRequestsIsNotJudgedButP99Is() {
        List<Check> checks = List.of(Check.success(Route.LOGIN, 0.99), Check.p99(Route.PRODUCTS, Duration.ofMillis(30)));
        Verdict v = Judge.verdict(checks, List.of(products(0)), true, "x", CLEAN, null);
        assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
        assertThat(v.reason()).isEqualTo("products p99 40 ms > 30 ms");
    }
}
