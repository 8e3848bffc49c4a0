package dev.sinew.chaos.gameday;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The game day report as Markdown: the summary table, then each experiment's routes and numbers. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(GamedayReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(r.title()).append("\n\n");
        sb.append("**").append(r.summary()).append("**\n\n");
        sb.append("Started ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .format(r.startedAt().atOffset(ZoneOffset.UTC)))
                .append(String.format(Locale.ROOT, ", took %.1f min.%n%n", r.seconds() / 60));
        r.settings().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        table(sb, r.experiments());
        sb.append("\nFault window, all routes. served = ok + degraded (2xx); rejected = 503/429 at once; failed = any"
                + " other status, no answer or a timeout; p50/p99 = the worst route's. detect = from the fault's start to"
                + " the first breaker open (or alert) seen on a caller's /metrics; recover = from the fault's end to the"
                + " first second of a steady stretch back at the baseline's full-answer share. amp = retry amplification:"
                + " attempts ÷ calls toward the target by its callers' Sinew pipelines (target under a full outage: ≤ 1.2×).\n");
        if (!r.comparison().isEmpty()) {
            sb.append("\n## Sinew vs naive clients\n\nThe same suite against the shop started with `--naive` (no timeouts,"
                    + " three attempts without a retry budget, no breakers, no bulkheads). Fault window, all routes.\n\n");
            sb.append("| experiment | Sinew | served | failed | p99 ms | recover | amp | naive | served | failed | p99 ms | recover | amp |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < r.experiments().size() && i < r.comparison().size(); i++) {
                ExperimentResult a = r.experiments().get(i);
                ExperimentResult b = r.comparison().get(i);
                sb.append("| ").append(a.name()).append(" | ").append(a.verdict().status()).append(" | ")
                        .append(Fmt.pct(a.all().success())).append(" | ").append(Fmt.pct(a.all().failed() / Math.max(1.0, a.all().total())))
                        .append(" | ").append(Fmt.ms(a.all().p99Millis())).append(" | ").append(Fmt.seconds(a.recoverSeconds()))
                        .append(" | ").append(a.amplification().text()).append(" | ").append(b.verdict().status()).append(" | ").append(Fmt.pct(b.all().success())).append(" | ")
                        .append(Fmt.pct(b.all().failed() / Math.max(1.0, b.all().total()))).append(" | ")
                        .append(Fmt.ms(b.all().p99Millis())).append(" | ").append(Fmt.seconds(b.recoverSeconds())).append(" | ")
                        .append(b.amplification().text()).append(" |\n");
            }
            sb.append("\nNaive clients, every column:\n\n");
            table(sb, r.comparison());
        }
        for (ExperimentResult e : r.experiments()) {
            section(sb, e);
        }
        for (ExperimentResult e : r.comparison()) {
            section(sb, e);
        }
        if (!r.skipped().isEmpty()) {
            sb.append("\n## Not run\n\n");
            for (Skipped s : r.skipped()) {
                sb.append("- ").append(s.target()).append(' ').append(s.fault()).append(": ").append(s.reason()).append('\n');
            }
        }
        Invariants f = r.finalAudit();
        sb.append("\n## Final audit\n\n").append(f.checked() ? (f.passed() ? "Passed" : "FAILED") + ": lost orders "
                + f.lostOrders() + ", duplicate charges " + f.duplicateCharges() + ", violations " + f.violations()
                : "Not run").append(f.note() == null || f.note().isEmpty() ? "" : " (" + f.note() + ")").append(".\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, java.util.List<ExperimentResult> experiments) {
        sb.append("\n| experiment | verdict | served | degraded | rejected | failed | p50 ms | p99 ms | detect | recover"
                + " | amp | backlog (peak, drain) | lost / dup | reason |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n");
        for (ExperimentResult e : experiments) {
            RouteResult a = e.all();
            double n = Math.max(1, a.total());
            sb.append("| [").append(e.name()).append("](#").append(anchor(e.name())).append(") | ")
                    .append(e.verdict().status()).append(" | ").append(Fmt.pct(a.success())).append(" | ")
                    .append(Fmt.pct(a.degraded() / n)).append(" | ").append(Fmt.pct(a.rejected() / n)).append(" | ")
                    .append(Fmt.pct(a.failed() / n)).append(" | ").append(Fmt.ms(a.p50Millis())).append(" | ")
                    .append(Fmt.ms(a.p99Millis())).append(" | ").append(Fmt.detect(e)).append(" | ")
                    .append(Fmt.seconds(e.recoverSeconds())).append(" | ").append(e.amplification().text()).append(" | ")
                    .append(Fmt.backlog(e.backlog())).append(" | ")
                    .append(Fmt.invariants(e.invariants())).append(" | ").append(cell(e.verdict().reason())).append(" |\n");
        }
    }

    private static void section(StringBuilder sb, ExperimentResult e) {
        sb.append("\n## ").append(e.name()).append("\n\n");
        sb.append("- fault: ").append(e.fault()).append(" on ").append(e.target())
                .append(String.format(Locale.ROOT, ", from %.1f s for %.1f s (experiment %.1f s)%n", e.faultStart(),
                        e.faultSeconds(), e.totalSeconds()));
        sb.append("- verdict: **").append(e.verdict().status()).append("** — ").append(e.verdict().reason()).append('\n');
        sb.append("- proof: ").append(e.proofHeld() ? "" : "NOT shown — ").append(e.proof()).append('\n');
        sb.append("- detected: ").append(e.detectSeconds() == null ? "not seen" : Fmt.seconds(e.detectSeconds())
                + " after the fault started (" + e.detectedBy() + ")").append('\n');
        sb.append("- recovered: ").append(e.recoverSeconds() == null ? "not within the recovery window"
                : Fmt.seconds(e.recoverSeconds()) + " after the fault ended").append('\n');
        sb.append("- retry amplification: ").append(e.amplification().describe(e.target())).append('\n');
        sb.append("- outbox backlog: baseline ").append(e.backlog().baseline()).append(", peak ")
                .append(Fmt.backlog(e.backlog())).append('\n');
        Invariants i = e.invariants();
        sb.append("- audit: ").append(i.checked() ? (i.passed() ? "passed" : "FAILED") + " — lost orders "
                + i.lostOrders() + ", duplicate charges " + i.duplicateCharges() + ", violations " + i.violations()
                : "not checked").append(i.note() == null || i.note().isEmpty() ? "" : " (" + i.note() + ")").append("\n\n");
        sb.append("| route | needs target | requests | ok | degraded | rejected | failed | served | answered ≤ bound"
                + " | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RouteResult x : e.routes()) {
            sb.append("| ").append(x.route()).append(" | ").append(x.affected() ? "yes" : "no").append(" | ")
                    .append(x.total()).append(" | ").append(x.ok()).append(" | ").append(x.degraded()).append(" | ")
                    .append(x.rejected()).append(" | ").append(x.failed()).append(" | ").append(Fmt.pct(x.success()))
                    .append(" | ").append(Fmt.pct(x.answeredWithin())).append(" | ").append(Fmt.ms(x.p50Millis()))
                    .append(" | ").append(Fmt.ms(x.p99Millis())).append(" |\n");
        }
    }

    static String anchor(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
