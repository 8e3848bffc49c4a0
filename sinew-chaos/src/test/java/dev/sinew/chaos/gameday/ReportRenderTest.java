package dev.sinew.chaos.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The three renderings of a game day report carry the same facts; the HTML page needs nothing from elsewhere. */
class ReportRenderTest {

    static GamedayReport report(Verdict second) {
        List<Second> timeline = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            boolean fault = s >= 5 && s < 10;
            timeline.add(new Second(s, 30, 1.0, fault ? 0.6 : 1.0, fault ? 40 : 12, fault ? 480 : 35));
        }
        ExperimentResult pay = new ExperimentResult("payment kill", "payment", "kill -9", 5.0, 5.0, 20.0,
                List.of(new RouteResult("products", false, 90, 90, 0, 0, 0, 11, 30, 1.0),
                        new RouteResult("order", true, 40, 0, 38, 2, 0, 45, 480, 1.0)),
                timeline, 1.3, "order: payment breaker open", 2.0, new Backlog(0, 0, null, true),
                new Amplification(40, 42, List.of("order")), true,
                "payment process gone (0.1 s after the fault started)", new Invariants(true, 0, 0, 0, ""),
                Verdict.pass("unaffected routes served ≥ 100.0%; audit passed"));
        ExperimentResult broker = new ExperimentResult("broker kill <b>", "broker", "broker down (kill -9)", 5.0, 5.0, 20.0,
                List.of(new RouteResult("order", false, 40, 40, 0, 0, 0, 30, 90, 1.0)), timeline, null, null, null,
                new Backlog(1, 57, 4.2, true), Amplification.NONE, true, "broker: port 1 refuses connections",
                new Invariants(true, 1, 0, 1, "still failing"), second);
        return new GamedayReport("Sinew shop game day", Instant.parse("2026-11-27T18:00:00Z"), 61.0,
                Map.of("load", "30 requests/s"), List.of(pay, broker),
                List.of(new Skipped("broker", "latency", "no pipeline")), new Invariants(true, 0, 0, 0, ""));
    }

    @Test
    void terminalTableHasALinePerExperimentTheReasonsAndTheAnswer() {
        GamedayReport r = report(Verdict.fail("audit: 1 lost orders"));
        String t = TerminalReport.render(r);
        assertThat(t).contains("payment kill").contains("PASS").contains("1.3 s").contains("2.0 s")
                .contains("57, drained in 4.2 s").contains("1 / 0").contains("audit: 1 lost orders")
                .contains(" amp ").contains(" 1.05x ")
                .contains("broker latency").contains("no pipeline")
                .contains("NOT READY: 1 of 2 experiments held their hypothesis; final audit passed");
        assertThat(r.ready()).isFalse();
        assertThat(report(Verdict.pass("ok")).ready()).isTrue();
        assertThat(report(Verdict.pass("ok")).summary()).startsWith("READY: 2 of 2");
    }

    @Test
    void markdownHasTheSummaryTableAndASectionPerExperiment() {
        String md = MarkdownReport.render(report(Verdict.pass("ok")));
        assertThat(md).contains("# Sinew shop game day").contains("| [payment kill](#payment-kill) | PASS | 98.5% | 29.2% | 1.5% | 0.0% | 45.0 | 480 | 1.3 s | 2.0 s | 1.05x |")
                .contains("- retry amplification: 1.05x (42 attempts for 40 calls toward payment by order)")
                .contains("- retry amplification: not measured (no Sinew pipeline calls broker)")
                .contains("## payment kill").contains("| order | yes | 40 | 0 | 38 | 2 | 0 | 95.0% | 100.0% | 45.0 | 480 |")
                .contains("- detected: 1.3 s after the fault started (order: payment breaker open)")
                .contains("## Not run").contains("## Final audit");
    }

    @Test
    void htmlIsSelfContainedEscapedAndShadesTheFaultWindow() {
        String html = HtmlReport.render(report(Verdict.pass("ok")));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline")
                .contains("broker kill &lt;b&gt;").doesNotContain("broker kill <b>")
                .contains("<th>amp</th>").contains("<td>1.05x</td>").contains("1.05x (42 attempts for 40 calls toward payment by order)");
        // nothing loaded from elsewhere: no script, stylesheet, image or font by URL
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=").doesNotContain("@import")
                .doesNotContain("url(");
        Matcher urls = Pattern.compile("https?://[^\"' ]+").matcher(html);
        while (urls.find()) {
            assertThat(urls.group()).isEqualTo("http://www.w3.org/2000/svg"); // the SVG namespace only
        }
        // the shaded fault window: 5 s of 20 s starting at a quarter of the plot width
        assertThat(html).contains("<rect x=\"193.0\" y=\"10\" width=\"145.0\"");
        assertThat(html.split("<svg ", -1)).hasSize(1 + 4); // two charts per experiment
    }

    @Test
    void aComparisonIsShownSideBySideInEveryRendering() {
        GamedayReport sinew = report(Verdict.pass("ok"));
        List<ExperimentResult> naive = report(Verdict.fail("products served 40.0% < 99.0%")).experiments().stream()
                .map(e -> e.named(e.name() + " (naive)")).toList();
        GamedayReport both = sinew.withComparison(naive, 130.0);
        assertThat(both.ready()).isTrue(); // readiness is the Sinew shop's; the naive run is for contrast
        assertThat(both.summary()).endsWith("; naive clients: 1 of 2 held");
        assertThat(MarkdownReport.render(both)).contains("| 480 | 2.0 s | 1.05x | PASS | 98.5% |");
        assertThat(TerminalReport.render(both)).contains("side by side").contains("payment kill (naive)")
                .contains("products served 40.0% < 99.0%");
        assertThat(MarkdownReport.render(both)).contains("## Sinew vs naive clients").contains("## payment kill (naive)");
        assertThat(HtmlReport.render(both)).contains("Sinew vs naive clients").contains("id=\"payment-kill-naive\"");
        assertThat(sinew.comparison()).isEmpty();
        assertThat(TerminalReport.render(sinew)).doesNotContain("side by side");
    }
}
