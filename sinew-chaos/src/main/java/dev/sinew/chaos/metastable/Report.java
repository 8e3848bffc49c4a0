package dev.sinew.chaos.metastable;

import java.util.List;
import java.util.Locale;

/** Renders results side by side: a compact per-second table and a summary, as text or Markdown. */
final class Report {

    private Report() {
    }

    /** Per second, per client: requests issued, share that succeeded, attempts sent, server queue. */
    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("   t  phase  ");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %-24s", r.kind().label() + " req good% att queue"));
        }
        sb.append('\n');
        Scenario s = results.get(0).scenario();
        int n = s.durationS();
        for (int i = 0; i < n; i++) {
            String phase = i < s.outageAtS() ? "before" : i < s.outageAtS() + s.outageS() ? "OUTAGE" : "after";
            sb.append(String.format(Locale.ROOT, "%4d  %-6s ", i, phase));
            for (Result r : results) {
                Result.Second x = r.seconds().get(i);
                sb.append(String.format(Locale.ROOT, "| %4d %4.0f %5d %5d   ", x.requests(), 100 * x.goodShare(),
                        x.attempts(), x.queue()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String summary(List<Result> results, boolean markdown) {
        Scenario s = results.get(0).scenario();
        int after = s.outageAtS() + s.outageS();
        StringBuilder sb = new StringBuilder();
        sb.append(markdown ? "| metric |" : String.format(Locale.ROOT, "%-44s", "metric"));
        for (Result r : results) {
            sb.append(markdown ? " " + r.kind().label() + " |" : String.format(Locale.ROOT, "%16s", r.kind().label()));
        }
        sb.append('\n');
        if (markdown) {
            sb.append("|---|").append("---:|".repeat(results.size())).append('\n');
        }
        row(sb, markdown, "requests succeeded before the outage", results, r -> pct(r.goodShare(0, s.outageAtS())));
        row(sb, markdown, "requests succeeded during the outage", results, r -> pct(r.goodShare(s.outageAtS(), after)));
        row(sb, markdown, "requests succeeded after the outage", results, r -> pct(r.goodShare(after, s.durationS())));
        row(sb, markdown, "... in the last 10 s of the run", results,
                r -> pct(r.goodShare(Math.max(after, s.durationS() - 10), s.durationS())));
        row(sb, markdown, "amplification during the outage", results, r -> times(r.amplificationDuringOutage()));
        row(sb, markdown, "amplification after the outage", results, r -> times(r.amplificationAfterOutage()));
        row(sb, markdown, "amplification over the run", results, r -> times(r.amplification()));
        row(sb, markdown, "server work wasted (client gone)", results, r -> pct(r.wastedShare()));
        row(sb, markdown, "time to recover after the outage", results, r -> r.recoverySeconds().isPresent()
                ? String.format(Locale.ROOT, "%.1f s", r.recoverySeconds().getAsDouble()) : "not within run");
        return sb.toString();
    }

    static String markdown(List<Result> results) {
        Scenario s = results.get(0).scenario();
        StringBuilder sb = new StringBuilder("# Metastability experiment\n\n");
        sb.append(String.format(Locale.ROOT,
                "Server capacity %d/s, queue %d, load %.0f%% (%.0f requests/s, Poisson), client timeout %d ms, "
                        + "outage (server frozen) %d s at %d s, run %d s, seed %d. Simulated time.%n%n",
                s.capacity(), s.queue(), 100 * s.load(), s.load() * s.capacity(), s.timeoutMs(), s.outageS(),
                s.outageAtS(), s.durationS(), s.seed()));
        for (Result r : results) {
            sb.append("- **").append(r.kind().label()).append("**: ").append(r.kind().description()).append('\n');
        }
        sb.append('\n').append(summary(results, true)).append("\n## Per second\n\n```\n")
                .append(table(results)).append("```\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, boolean markdown, String name, List<Result> results,
                            java.util.function.Function<Result, String> value) {
        sb.append(markdown ? "| " + name + " |" : String.format(Locale.ROOT, "%-44s", name));
        for (Result r : results) {
            String v = value.apply(r);
            sb.append(markdown ? " " + v + " |" : String.format(Locale.ROOT, "%16s", v));
        }
        sb.append('\n');
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, "%.2fx", x);
    }
}
