package dev.sinew.chaos.gameday;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The game day report as one self-contained HTML page: the summary table, and per experiment its
 * numbers, its routes and two charts drawn as inline SVG (share served and latency per second, the
 * fault window shaded). No script, no stylesheet or font from elsewhere: it opens offline.
 */
public final class HtmlReport {

    private static final int W = 640;
    private static final int H = 170;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 10;
    private static final int BOTTOM = 26;

    private HtmlReport() {
    }

    public static String render(GamedayReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(r.title())).append("</title>\n<style>\n")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1180px}\n")
                .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}\n")
                .append("td:first-child,th:first-child,td.l{text-align:left}th{background:#f2f2f2;text-align:center}\n")
                .append(".PASS{color:#fff;background:#2a7d2e}.FAIL{color:#fff;background:#b3261e}.ABORTED{color:#fff;background:#a05a00}\n")
                .append(".badge{padding:1px 7px;border-radius:3px;font-weight:600}\n")
                .append(".exp{border:1px solid #ddd;border-radius:6px;padding:10px 16px;margin:18px 0}\n")
                .append(".charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff}\n")
                .append(".ready{font-size:18px;font-weight:700}.muted{color:#666}\n")
                .append("</style></head><body>\n");
        sb.append("<h1>").append(esc(r.title())).append("</h1>\n");
        sb.append("<p class=\"ready ").append(r.ready() ? "PASS" : "FAIL").append(" badge\">").append(esc(r.summary()))
                .append("</p>\n<p class=\"muted\">Started ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").format(r.startedAt().atOffset(ZoneOffset.UTC)))
                .append(String.format(Locale.ROOT, ", took %.1f min.", r.seconds() / 60)).append("</p>\n<ul>\n");
        r.settings().forEach((k, v) -> sb.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>\n"));
        sb.append("</ul>\n<table><tr><th>experiment</th><th>verdict</th><th>served</th><th>degraded</th><th>rejected</th>"
                + "<th>failed</th><th>p50 ms</th><th>p99 ms</th><th>detect</th><th>recover</th><th>amp</th><th>backlog (peak, drain)</th>"
                + "<th>lost / dup</th><th>reason</th></tr>\n");
        for (ExperimentResult e : r.experiments()) {
            RouteResult a = e.all();
            double n = Math.max(1, a.total());
            sb.append("<tr><td><a href=\"#").append(MarkdownReport.anchor(e.name())).append("\">").append(esc(e.name()))
                    .append("</a></td><td><span class=\"badge ").append(e.verdict().status()).append("\">")
                    .append(e.verdict().status()).append("</span></td>");
            cells(sb, Fmt.pct(a.success()), Fmt.pct(a.degraded() / n), Fmt.pct(a.rejected() / n), Fmt.pct(a.failed() / n),
                    Fmt.ms(a.p50Millis()), Fmt.ms(a.p99Millis()), Fmt.detect(e), Fmt.seconds(e.recoverSeconds()),
                    e.amplification().text(), Fmt.backlog(e.backlog()), Fmt.invariants(e.invariants()));
            sb.append("<td class=\"l\">").append(esc(e.verdict().reason())).append("</td></tr>\n");
        }
        sb.append("</table>\n<p class=\"muted\">Fault window, all routes. served = ok + degraded (2xx); rejected = 503/429"
                + " at once; failed = other status, no answer or timeout. detect = fault start to first breaker open (or"
                + " alert) on a caller's /metrics; recover = fault end to back at the baseline; amp = retry amplification, attempts"
                + " ÷ calls toward the target by its callers' Sinew pipelines (target under a full outage: ≤ 1.2×)."
                + " Charts: grey = fault window.</p>\n");
        if (!r.comparison().isEmpty()) {
            sideBySide(sb, r);
        }
        for (ExperimentResult e : r.experiments()) {
            experiment(sb, e);
        }
        for (ExperimentResult e : r.comparison()) {
            experiment(sb, e);
        }
        if (!r.skipped().isEmpty()) {
            sb.append("<h2>Not run</h2>\n<ul>\n");
            for (Skipped s : r.skipped()) {
                sb.append("<li><b>").append(esc(s.target() + " " + s.fault())).append("</b>: ").append(esc(s.reason())).append("</li>\n");
            }
            sb.append("</ul>\n");
        }
        Invariants f = r.finalAudit();
        sb.append("<h2>Final audit</h2>\n<p>").append(esc(f.checked() ? (f.passed() ? "Passed" : "FAILED") + ": lost orders "
                + f.lostOrders() + ", duplicate charges " + f.duplicateCharges() + ", violations " + f.violations()
                : "Not run")).append(f.note() == null || f.note().isEmpty() ? "" : " (" + esc(f.note()) + ")").append("</p>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void sideBySide(StringBuilder sb, GamedayReport r) {
        sb.append("<h2>Sinew vs naive clients</h2>\n<p>The same suite against the shop started with <code>--naive</code>"
                + " (no timeouts, three attempts without a retry budget, no breakers, no bulkheads). Fault window, all routes."
                + "</p>\n<table><tr><th>experiment</th><th>Sinew</th><th>served</th><th>failed</th><th>p99 ms</th>"
                + "<th>recover</th><th>amp</th><th>naive</th><th>served</th><th>failed</th><th>p99 ms</th><th>recover</th>"
                + "<th>amp</th></tr>\n");
        for (int i = 0; i < r.experiments().size() && i < r.comparison().size(); i++) {
            ExperimentResult a = r.experiments().get(i);
            ExperimentResult b = r.comparison().get(i);
            sb.append("<tr><td>").append(esc(a.name())).append("</td>");
            side(sb, a);
            side(sb, b);
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void side(StringBuilder sb, ExperimentResult e) {
        RouteResult a = e.all();
        sb.append("<td><a href=\"#").append(MarkdownReport.anchor(e.name())).append("\"><span class=\"badge ")
                .append(e.verdict().status()).append("\">").append(e.verdict().status()).append("</span></a></td>");
        cells(sb, Fmt.pct(a.success()), Fmt.pct(a.failed() / Math.max(1.0, a.total())), Fmt.ms(a.p99Millis()),
                Fmt.seconds(e.recoverSeconds()), e.amplification().text());
    }

    private static void experiment(StringBuilder sb, ExperimentResult e) {
        sb.append("<div class=\"exp\" id=\"").append(MarkdownReport.anchor(e.name())).append("\"><h2>").append(esc(e.name()))
                .append(" <span class=\"badge ").append(e.verdict().status()).append("\">").append(e.verdict().status())
                .append("</span></h2>\n<p>").append(esc(e.verdict().reason())).append("</p>\n<ul>\n");
        li(sb, "fault", e.fault() + " on " + e.target() + String.format(Locale.ROOT, ", from %.1f s for %.1f s", e.faultStart(), e.faultSeconds()));
        li(sb, "proof", (e.proofHeld() ? "" : "NOT shown: ") + e.proof());
        li(sb, "detected", e.detectSeconds() == null ? "not seen" : Fmt.seconds(e.detectSeconds()) + " (" + e.detectedBy() + ")");
        li(sb, "recovered", e.recoverSeconds() == null ? "not within the recovery window" : Fmt.seconds(e.recoverSeconds()) + " after the fault ended");
        li(sb, "retry amplification", e.amplification().describe(e.target()));
        li(sb, "outbox backlog", "baseline " + e.backlog().baseline() + ", peak " + Fmt.backlog(e.backlog()));
        Invariants i = e.invariants();
        li(sb, "audit", i.checked() ? (i.passed() ? "passed" : "FAILED") + ": lost orders " + i.lostOrders()
                + ", duplicate charges " + i.duplicateCharges() + ", violations " + i.violations()
                + (i.note() == null || i.note().isEmpty() ? "" : " (" + i.note() + ")") : "not checked: " + i.note());
        sb.append("</ul>\n<div class=\"charts\">\n");
        chart(sb, e, "served per second (%)", 0, 100, false, List.of(
                new Series("served", "#2a7d2e", s -> s.success() * 100),
                new Series("full answers (not degraded)", "#1f5fbf", s -> s.ok() * 100)));
        chart(sb, e, "latency per second (ms, log scale)", 1, 10_000, true, List.of(
                new Series("p50", "#1f5fbf", Second::p50Millis),
                new Series("p99", "#b3261e", Second::p99Millis)));
        sb.append("</div>\n<table><tr><th>route</th><th>needs target</th><th>requests</th><th>ok</th><th>degraded</th>"
                + "<th>rejected</th><th>failed</th><th>served</th><th>answered ≤ bound</th><th>p50 ms</th><th>p99 ms</th></tr>\n");
        for (RouteResult x : e.routes()) {
            sb.append("<tr><td>").append(esc(x.route())).append("</td>");
            cells(sb, x.affected() ? "yes" : "no", Long.toString(x.total()), Long.toString(x.ok()), Long.toString(x.degraded()),
                    Long.toString(x.rejected()), Long.toString(x.failed()), Fmt.pct(x.success()), Fmt.pct(x.answeredWithin()),
                    Fmt.ms(x.p50Millis()), Fmt.ms(x.p99Millis()));
            sb.append("</tr>\n");
        }
        sb.append("</table></div>\n");
    }

    private record Series(String name, String color, ToDoubleFunction<Second> value) {
    }

    /** One chart: x = seconds of the experiment, the fault window shaded, one polyline per series. */
    private static void chart(StringBuilder sb, ExperimentResult e, String title, double min, double max, boolean log,
                              List<Series> series) {
        double total = Math.max(1, e.totalSeconds());
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H + 18)
                .append("\" role=\"img\"><title>").append(esc(e.name() + ": " + title)).append("</title>\n");
        double fx0 = LEFT + plotW * e.faultStart() / total;
        double fx1 = LEFT + plotW * Math.min(total, e.faultStart() + e.faultSeconds()) / total;
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#000\" fill-opacity=\"0.10\"/>%n",
                fx0, TOP, Math.max(1, fx1 - fx0), plotH));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotW, plotH));
        // y ticks
        double[] ticks = log ? new double[] {1, 10, 100, 1000, 10_000} : new double[] {0, 25, 50, 75, 100};
        for (double t : ticks) {
            double y = y(t, min, max, log, plotH);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>%n",
                    LEFT, LEFT + plotW, y, y, LEFT - 4, y + 3, t >= 1000 ? (int) (t / 1000) + "k" : Integer.toString((int) t)));
        }
        // x ticks every 5 or 10 s
        int step = total > 60 ? 10 : 5;
        for (int s = 0; s <= total; s += step) {
            double x = LEFT + plotW * s / total;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%ds</text>%n",
                    x, TOP + plotH + 12, s));
        }
        int legendX = LEFT;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (Second p : e.timeline()) {
                if (p.requests() == 0) {
                    continue;
                }
                double v = Math.max(min, Math.min(max, s.value().applyAsDouble(p)));
                double x = LEFT + plotW * (p.at() + 0.5) / total;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(v, min, max, log, plotH)));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"").append(s.color()).append("\" points=\"")
                    .append(pts.toString().trim()).append("\"/>\n");
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", legendX, H + 8, s.color(), legendX + 14, H + 12,
                    esc(s.name())));
            legendX += 22 + 7 * s.name().length();
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
                W - RIGHT, H + 12, esc(title)));
        sb.append("</svg>\n");
    }

    private static double y(double v, double min, double max, boolean log, int plotH) {
        double f = log ? (Math.log10(Math.max(v, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                : (v - min) / (max - min);
        return TOP + plotH * (1 - Math.max(0, Math.min(1, f)));
    }

    private static void li(StringBuilder sb, String k, String v) {
        sb.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>\n");
    }

    private static void cells(StringBuilder sb, String... values) {
        for (String v : values) {
            sb.append("<td>").append(esc(v)).append("</td>");
        }
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
