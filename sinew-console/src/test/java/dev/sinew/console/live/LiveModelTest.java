package dev.sinew.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinew.console.scrape.PromText;
import dev.sinew.console.scrape.Scrape;
import dev.sinew.console.scrape.Target;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveModelTest {

    static final Target GATEWAY = Target.of("gateway", "http://127.0.0.1:8080");
    static final Target CATALOG = Target.of("catalog", "http://127.0.0.1:8082");

    /** A gateway scrape: catalog calls so far, failed among them, all within 10 ms except {@code slow} within 500 ms. */
    static Scrape gateway(long at, int calls, int failed, int slow, String breaker) {
        int ok = calls - failed;
        String text = "sinew_calls_seconds_count{pipeline=\"catalog\",outcome=\"success\"} " + ok + "\n"
                + "sinew_calls_seconds_count{pipeline=\"catalog\",outcome=\"failure\"} " + failed + "\n"
                + "sinew_calls_seconds_bucket{pipeline=\"catalog\",outcome=\"success\",le=\"0.01\"} " + (ok - slow) + "\n"
                + "sinew_calls_seconds_bucket{pipeline=\"catalog\",outcome=\"success\",le=\"0.5\"} " + ok + "\n"
                + "sinew_calls_seconds_bucket{pipeline=\"catalog\",outcome=\"success\",le=\"+Inf\"} " + ok + "\n"
                + "sinew_calls_seconds_bucket{pipeline=\"catalog\",outcome=\"failure\",le=\"0.01\"} 0\n"
                + "sinew_calls_seconds_bucket{pipeline=\"catalog\",outcome=\"failure\",le=\"0.5\"} " + failed + "\n"
                + "sinew_calls_seconds_bucket{pipeline=\"catalog\",outcome=\"failure\",le=\"+Inf\"} " + failed + "\n"
                + "sinew_breaker_state{pipeline=\"catalog\",policy=\"breaker\",state=\"closed\"} " + ("closed".equals(breaker) ? 1 : 0) + "\n"
                + "sinew_breaker_state{pipeline=\"catalog\",policy=\"breaker\",state=\"open\"} " + ("open".equals(breaker) ? 1 : 0) + "\n"
                + "sinew_budget_remaining{budget=\"catalog\"} 42\n"
                + "http_server_requests_seconds_count{route=\"/api/products\",status=\"200\"} " + calls + "\n"
                + "http_server_requests_seconds_count{route=\"/metrics\",status=\"200\"} " + (at / 1000) + "\n";
        return new Scrape(GATEWAY, at, PromText.parse(text), null, null);
    }

    static Scrape catalog(long at, boolean up) {
        return up ? new Scrape(CATALOG, at, List.of(), null, null)
                : new Scrape(CATALOG, at, List.of(), null, "no answer within 800 ms");
    }

    @Test
    void ratesErrorsAndP99OverTheWindow() {
        LiveModel m = new LiveModel(Set.of("gateway", "catalog"), 10);
        m.update(List.of(gateway(1_000, 0, 0, 0, "closed"), catalog(1_000, true)), id -> false);
        Snapshot s = m.update(List.of(gateway(3_000, 100, 10, 0, "closed"), catalog(3_000, true)), id -> false);
        EdgeView e = s.edges().get(0);
        assertThat(e.id()).isEqualTo("gateway/catalog");
        assertThat(e.ratePerSecond()).isEqualTo(50.0);
        assertThat(e.errorPercent()).isEqualTo(10.0);
        // 90 fast (<= 10 ms), 10 failed in (10, 500] ms: the 99th call sits 9/10 into the second bucket
        assertThat(e.p99Ms()).isCloseTo(10 + 490 * 0.9, within(0.01));
        assertThat(e.budgetRemaining()).isEqualTo(42);
        assertThat(e.breaker()).isEqualTo("closed");
        assertThat(e.health()).isEqualTo("warn"); // 10 % failed
        ServiceView gw = s.services().get(0);
        assertThat(gw.requestsPerSecond()).as("the console's own /metrics calls are not traffic").isEqualTo(50.0);
    }

    @Test
    void breakerTransitionsAndADownCalleeColourTheEdge() {
        LiveModel m = new LiveModel(Set.of("gateway", "catalog"), 10);
        m.update(List.of(gateway(1_000, 10, 0, 0, "closed"), catalog(1_000, true)), id -> false);
        Snapshot s = m.update(List.of(gateway(2_000, 20, 0, 0, "closed"), catalog(2_000, false)), id -> false);
        assertThat(s.edges().get(0).health()).as("callee down").isEqualTo("bad");
        assertThat(s.services()).filteredOn(v -> v.name().equals("catalog")).singleElement()
                .satisfies(v -> assertThat(v.up()).isFalse());
        s = m.update(List.of(gateway(3_000, 30, 10, 0, "open"), catalog(3_000, false)), id -> false);
        assertThat(s.transitions()).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo("closed");
            assertThat(t.to()).isEqualTo("open");
        });
        assertThat(s.edges().get(0).health()).isEqualTo("bad");
        s = m.update(List.of(gateway(4_000, 40, 10, 0, "closed"), catalog(4_000, true)), id -> false);
        assertThat(s.transitions()).extracting(BreakerTransition::to).containsExactly("closed");
    }

    @Test
    void aRestartedServiceStartsItsWindowAgain() {
        LiveModel m = new LiveModel(Set.of("gateway", "catalog"), 10);
        m.update(List.of(gateway(1_000, 1000, 0, 0, "closed")), id -> false);
        m.update(List.of(gateway(2_000, 1100, 0, 0, "closed")), id -> false);
        Snapshot s = m.update(List.of(gateway(3_000, 5, 0, 0, "closed")), id -> false);
        assertThat(s.edges().get(0).ratePerSecond()).as("no negative rate after a restart").isZero();
        s = m.update(List.of(gateway(4_000, 25, 0, 0, "closed")), id -> false);
        assertThat(s.edges().get(0).ratePerSecond()).isEqualTo(20.0);
    }

    @Test
    void aSilentCallerKeepsItsEdgesAsUnknownAndASwitchedEdgeIsAmber() {
        LiveModel m = new LiveModel(Set.of("gateway", "catalog"), 10);
        m.update(List.of(gateway(1_000, 10, 0, 0, "closed")), id -> false);
        Snapshot s = m.update(List.of(gateway(2_000, 20, 0, 0, "closed")), id -> id.equals("gateway/catalog"));
        assertThat(s.edges().get(0).switchedOff()).isTrue();
        assertThat(s.edges().get(0).health()).isEqualTo("warn");
        s = m.update(List.of(new Scrape(GATEWAY, 3_000, List.of(), null, "connection refused")), id -> false);
        assertThat(s.edges()).singleElement().satisfies(e -> assertThat(e.health()).isEqualTo("unknown"));
    }
}
