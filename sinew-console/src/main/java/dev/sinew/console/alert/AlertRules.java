package dev.sinew.console.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.console.live.EdgeView;
import dev.sinew.console.live.ServiceView;
import dev.sinew.console.live.Snapshot;
import dev.sinew.console.scrape.Scrape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conditions the console alerts on, evaluated on every round (the console's own view, no
 * Prometheus needed; {@code docs/ALERTS.md} has the same ideas as Prometheus rules):
 * a service that does not answer its scrape (page), a breaker open or forced open (page),
 * an edge failing at least {@value #ERROR_PERCENT}% of at least 1 call/s (page), a retry budget
 * at zero (warn). How many rounds in a row a condition must hold is {@link AlertBook}'s job.
 */
public final class AlertRules {

    /** Failed share (percent) of an edge that pages. */
    public static final double ERROR_PERCENT = 10;

    private AlertRules() {
    }

    /** The conditions true in this round; {@code sinceMillis} is the round's time. */
    public static List<Alert> evaluate(Snapshot s, List<Scrape> round) {
        Map<String, ServiceView> services = new HashMap<>();
        s.services().forEach(v -> services.put(v.name(), v));
        Map<String, JsonNode> diagnoses = new HashMap<>();
        for (Scrape r : round) {
            if (r.diagnose() != null) {
                diagnoses.put(r.target().service(), r.diagnose());
            }
        }
        List<Alert> out = new ArrayList<>();
        for (ServiceView v : s.services()) {
            if (!v.up()) {
                out.add(new Alert("service_down:" + v.name(), "page", "service_down", v.name(), v.instance(), "console",
                        v.name() + " does not answer", v.error(), null, s.atMillis()));
            }
        }
        for (EdgeView e : s.edges()) {
            if ("unknown".equals(e.health())) {
                continue;
            }
            ServiceView callee = services.get(e.callee());
            String instance = callee != null ? callee.instance() : e.callee();
            JsonNode diag = diagnoses.get(e.caller());
            String verdict = diag == null ? null : diag.path("verdict").asText(null);
            String trace = exampleTrace(diag, e.pipeline());
            String why = (verdict != null ? e.caller() + " /diagnose: " + verdict : "")
                    + (callee != null && !callee.up() ? (verdict != null ? "; " : "") + e.callee() + ": " + callee.error() : "");
            if ("open".equals(e.breaker()) || "forced_open".equals(e.breaker())) {
                out.add(new Alert("breaker_open:" + e.id(), "page", "breaker_open", e.callee(), instance, e.caller(),
                        e.caller() + "'s breaker to " + e.pipeline() + " is " + e.breaker().replace('_', ' '),
                        why, trace, s.atMillis()));
            } else if (e.errorPercent() >= ERROR_PERCENT && e.ratePerSecond() >= 1) {
                out.add(new Alert("error_rate:" + e.id(), "page", "error_rate", e.callee(), instance, e.caller(),
                        String.format(Locale.ROOT, "%.0f%% of %s's calls to %s fail (%.1f/s)", e.errorPercent(),
                                e.caller(), e.pipeline(), e.ratePerSecond()), why, trace, s.atMillis()));
            }
            if (e.budgetRemaining() == 0) {
                out.add(new Alert("budget_exhausted:" + e.id(), "warn", "budget_exhausted", e.callee(), instance,
                        e.caller(), e.caller() + "'s retry budget for " + e.pipeline() + " is exhausted: retries denied",
                        why, trace, s.atMillis()));
            }
        }
        return out;
    }

    private static String exampleTrace(JsonNode diag, String pipeline) {
        if (diag == null) {
            return null;
        }
        for (JsonNode d : diag.path("dependencies")) {
            if (pipeline.equals(d.path("name").asText()) && d.hasNonNull("exampleFailedTraceId")) {
                return d.path("exampleFailedTraceId").asText();
            }
        }
        return null;
    }
}
