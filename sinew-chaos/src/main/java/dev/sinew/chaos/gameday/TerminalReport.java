package dev.sinew.chaos.gameday;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The game day report as plain text for a terminal: one line per experiment, then each verdict's reason. */
public final class TerminalReport {

    private TerminalReport() {
    }

    private static void table(StringBuilder sb, java.util.List<ExperimentResult> experiments) {
        String fmt = "%-24s %-7s %7s %8s %8s %7s %7s %7s %7s %8s %6s %-22s %-9s%n";
        sb.append(String.format(Locale.ROOT, fmt, "experiment", "verdict", "served", "degraded", "rejected", "failed",
                "p50 ms", "p99 ms", "detect", "recover", "amp", "backlog (peak, drain)", "lost/dup"));
        for (ExperimentResult e : experiments) {
            RouteResult a = e.all();
            double n = Math.max(1, a.total());
            sb.append(String.format(Locale.ROOT, fmt, e.name(), e.verdict().status(), Fmt.pct(a.success()),
                    Fmt.pct(a.degraded() / n), Fmt.pct(a.rejected() / n), Fmt.pct(a.failed() / n), Fmt.ms(a.p50Millis()),
                    Fmt.ms(a.p99Millis()), Fmt.detect(e), Fmt.seconds(e.recoverSeconds()), e.amplification().text(),
                    Fmt.backlog(e.backlog()), Fmt.invariants(e.invariants())));
        }
    }

    public static String render(GamedayReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.title()).append("  ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(r.startedAt().atOffset(ZoneOffset.UTC)))
                .append(String.format(Locale.ROOT, "  (%.1f min)%n", r.seconds() / 60));
        r.settings().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-10s %s%n", k, v)));
        sb.append('\n');
        table(sb, r.experiments());
        sb.append("\n(fault window, all routes; served = ok + degraded; p50/p99 = the worst route's;"
                + " detect = fault start to first breaker open or alert; recover = fault end to back at baseline;"
                + " amp = retry amplification, attempts ÷ calls toward the target by its callers)\n\n");
        for (ExperimentResult e : r.experiments()) {
            sb.append(String.format(Locale.ROOT, "%-24s %-7s %s%n", e.name(), e.verdict().status(), e.verdict().reason()));
        }
        if (!r.comparison().isEmpty()) {
            sb.append("\nthe same suite with naive clients (no timeouts, unbudgeted retries, no breakers):\n");
            table(sb, r.comparison());
            sb.append('\n');
            for (ExperimentResult e : r.comparison()) {
                sb.append(String.format(Locale.ROOT, "%-24s %-7s %s%n", e.name(), e.verdict().status(), e.verdict().reason()));
            }
            sb.append("\nside by side (fault window: served, failed, worst p99, recover, retry amplification):\n");
            String f = "%-24s  %-7s %7s %7s %7s %8s %6s   %-7s %7s %7s %7s %8s %6s%n";
            sb.append(String.format(Locale.ROOT, f, "experiment", "Sinew", "served", "failed", "p99 ms", "recover", "amp",
                    "naive", "served", "failed", "p99 ms", "recover", "amp"));
            for (int i = 0; i < r.experiments().size() && i < r.comparison().size(); i++) {
                ExperimentResult s = r.experiments().get(i);
                ExperimentResult n = r.comparison().get(i);
                RouteResult a = s.all();
                RouteResult b = n.all();
                sb.append(String.format(Locale.ROOT, f, s.name(), s.verdict().status(), Fmt.pct(a.success()),
                        Fmt.pct(a.failed() / Math.max(1.0, a.total())), Fmt.ms(a.p99Millis()), Fmt.seconds(s.recoverSeconds()),
                        s.amplification().text(), n.verdict().status(), Fmt.pct(b.success()),
                        Fmt.pct(b.failed() / Math.max(1.0, b.total())), Fmt.ms(b.p99Millis()), Fmt.seconds(n.recoverSeconds()),
                        n.amplification().text()));
            }
        }
        if (!r.skipped().isEmpty()) {
            sb.append("\nnot run:\n");
            for (Skipped s : r.skipped()) {
                sb.append(String.format(Locale.ROOT, "  %-24s %s%n", s.target() + " " + s.fault(), s.reason()));
            }
        }
        sb.append('\n').append(r.summary()).append('\n');
        return sb.toString();
    }
}
