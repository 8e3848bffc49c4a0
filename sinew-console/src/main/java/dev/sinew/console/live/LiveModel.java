package dev.sinew.console.live;

import dev.sinew.console.scrape.PromText;
import dev.sinew.console.scrape.Sample;
import dev.sinew.console.scrape.Scrape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Turns rounds of scrapes into the live view. Rates, error shares and p99 are computed over a
 * sliding window of the last {@code windowSeconds} rounds from the cumulative counters
 * ({@code sinew_calls_seconds_*}, {@code http_server_requests_seconds_*}), so one slow second does
 * not blank the map; a counter that went down (the service restarted) restarts its window. The
 * breaker state comes from {@code sinew_breaker_state}, the budget from {@code sinew_budget_remaining}.
 * Not thread-safe: one scrape loop feeds it.
 */
public final class LiveModel {

    /** A failed share at or above this (percent) colours an edge red. */
    public static final double BAD_ERROR_PERCENT = 20;
    /** A failed share at or above this (percent) colours an edge amber. */
    public static final double WARN_ERROR_PERCENT = 1;

    private final int windowSeconds;
    private final Map<String, ArrayDeque<Counters>> edgeWindows = new HashMap<>();
    private final Map<String, ArrayDeque<Counters>> httpWindows = new HashMap<>();
    private final Map<String, String> breakers = new HashMap<>();
    private final Map<String, EdgeView> lastEdges = new HashMap<>();
    private final Set<String> services;

    /** {@code services}: the names of the services watched (an edge to one of them points at its node). */
    public LiveModel(Set<String> services, int windowSeconds) {
        this.services = Set.copyOf(services);
        this.windowSeconds = windowSeconds;
    }

    /** The view after one round; {@code switchedOff} says which edges (caller/pipeline) an operator turned off. */
    public Snapshot update(List<Scrape> round, Predicate<String> switchedOff) {
        long now = round.isEmpty() ? System.currentTimeMillis() : round.get(0).atMillis();
        List<ServiceView> nodes = new ArrayList<>();
        List<EdgeView> edges = new ArrayList<>();
        List<BreakerTransition> transitions = new ArrayList<>();
        for (Scrape s : round) {
            String svc = s.target().service();
            if (!s.ok()) {
                nodes.add(new ServiceView(svc, s.target().instance(), false, 0, 0, null, s.error(), "bad"));
                // the caller is silent: keep its edges as last seen, marked unknown
                for (EdgeView e : lastEdges.values()) {
                    if (e.caller().equals(svc)) {
                        edges.add(new EdgeView(e.caller(), e.callee(), e.pipeline(), 0, 0, Double.NaN, e.breaker(),
                                e.budgetRemaining(), e.switchedOff(), "unknown"));
                    }
                }
                continue;
            }
            nodes.add(service(s, now));
            for (Map.Entry<String, Counters> e : pipelineCounters(s.samples(), now).entrySet()) {
                String pipeline = e.getKey();
                String id = svc + "/" + pipeline;
                // window() hands back the sample itself while there is no earlier one to subtract: no rate yet
                Counters delta = window(edgeWindows, id, e.getValue());
                String breaker = breakerState(s.samples(), pipeline);
                String before = breakers.put(id, breaker);
                if (before != null && !before.equals(breaker)) {
                    transitions.add(new BreakerTransition(now, svc, pipeline, before, breaker));
                }
                double budget = budget(s.samples(), pipeline);
                double seconds = Math.max(1, delta.atMillis() / 1000.0);
                double rate = delta == e.getValue() ? 0 : delta.total() / seconds;
                double err = delta.total() > 0 && delta != e.getValue() ? 100.0 * delta.failed() / delta.total() : 0;
                double p99 = delta == e.getValue() ? Double.NaN : delta.p99Ms();
                boolean off = switchedOff.test(id);
                EdgeView v = new EdgeView(svc, pipeline, pipeline, rate, err, p99, breaker, budget, off,
                        health(rate, err, breaker, budget, off));
                lastEdges.put(id, v);
                edges.add(v);
            }
        }
        // a callee that is down makes its incoming edges red even before the caller's breaker notices
        Map<String, ServiceView> byName = new TreeMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        List<EdgeView> coloured = new ArrayList<>();
        for (EdgeView e : edges) {
            ServiceView callee = byName.get(e.callee());
            if (callee != null && !callee.up() && !"unknown".equals(e.health())) {
                e = new EdgeView(e.caller(), e.callee(), e.pipeline(), e.ratePerSecond(), e.errorPercent(), e.p99Ms(),
                        e.breaker(), e.budgetRemaining(), e.switchedOff(), "bad");
            }
            coloured.add(e);
        }
        coloured.sort((a, b) -> a.id().compareTo(b.id()));
        return new Snapshot(now, nodes, coloured, transitions);
    }

    /** Whether {@code name} is a watched service (else an edge's callee is outside the system). */
    public boolean isService(String name) {
        return services.contains(name);
    }

    static String health(double rate, double errorPercent, String breaker, double budget, boolean off) {
        if ("open".equals(breaker) || "forced_open".equals(breaker) || errorPercent >= BAD_ERROR_PERCENT) {
            return "bad";
        }
        if (off || "half_open".equals(breaker) || "disabled".equals(breaker) || errorPercent >= WARN_ERROR_PERCENT
                || budget == 0) {
            return "warn";
        }
        return rate > 0 ? "ok" : "idle";
    }

    private ServiceView service(Scrape s, long now) {
        double total = 0;
        double errors = 0;
        for (Sample x : s.samples()) {
            if (x.name().equals("http_server_requests_seconds_count") && !operational(x.label("route"))) {
                total += x.value();
                if (x.label("status").startsWith("5")) {
                    errors += x.value();
                }
            }
        }
        String svc = s.target().service();
        Counters c = new Counters(now, total, errors, new double[0], new double[0]);
        Counters d = window(httpWindows, svc, c);
        double seconds = Math.max(1, d.atMillis() / 1000.0);
        double rate = d == c ? 0 : d.total() / seconds;
        double err = d == c || d.total() <= 0 ? 0 : 100.0 * d.failed() / d.total();
        String verdict = s.diagnose() == null ? null : s.diagnose().path("verdict").asText(null);
        String health = err >= BAD_ERROR_PERCENT ? "bad" : err >= WARN_ERROR_PERCENT || degradedByBreaker(s) ? "warn" : "ok";
        return new ServiceView(svc, s.target().instance(), true, rate, err, verdict, null, health);
    }

    /** Routes that only operators and the console call: not user traffic. */
    static boolean operational(String route) {
        return route.startsWith("/metrics") || route.startsWith("/diagnose") || route.startsWith("/admin")
                || route.startsWith("/health");
    }

    private static boolean degradedByBreaker(Scrape s) {
        for (Sample x : s.samples()) {
            if (x.name().equals("sinew_breaker_state") && x.value() == 1
                    && !x.label("state").equals("closed")) {
                return true;
            }
        }
        return false;
    }

    private Counters window(Map<String, ArrayDeque<Counters>> windows, String id, Counters now) {
        ArrayDeque<Counters> w = windows.computeIfAbsent(id, k -> new ArrayDeque<>());
        Counters last = w.peekLast();
        if (last != null && (now.total() < last.total() || now.failed() < last.failed())) {
            w.clear(); // counters went down: the service restarted
        }
        w.addLast(now);
        while (w.size() > windowSeconds + 1) {
            w.removeFirst();
        }
        return w.size() < 2 ? now : now.since(w.peekFirst());
    }

    /** Per pipeline: calls, failed calls and the summed latency buckets over every outcome. */
    static Map<String, Counters> pipelineCounters(List<Sample> samples, long now) {
        Map<String, double[]> totals = new TreeMap<>();
        Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
        for (Sample x : samples) {
            if (x.name().equals("sinew_calls_seconds_count")) {
                double[] t = totals.computeIfAbsent(x.label("pipeline"), k -> new double[2]);
                t[0] += x.value();
                if (!x.label("outcome").equals("success")) {
                    t[1] += x.value();
                }
            } else if (x.name().equals("sinew_calls_seconds_bucket")) {
                double le;
                try {
                    le = PromText.number(x.label("le"));
                } catch (NumberFormatException e) {
                    continue;
                }
                buckets.computeIfAbsent(x.label("pipeline"), k -> new TreeMap<>()).merge(le, x.value(), Double::sum);
            }
        }
        Map<String, Counters> out = new TreeMap<>();
        totals.forEach((p, t) -> {
            TreeMap<Double, Double> b = buckets.getOrDefault(p, new TreeMap<>());
            double[] bounds = new double[b.size()];
            double[] counts = new double[b.size()];
            int i = 0;
            for (Map.Entry<Double, Double> e : b.entrySet()) {
                bounds[i] = e.getKey();
                counts[i++] = e.getValue();
            }
            out.put(p, new Counters(now, t[0], t[1], bounds, counts));
        });
        return out;
    }

    static String breakerState(List<Sample> samples, String pipeline) {
        for (Sample x : samples) {
            if (x.name().equals("sinew_breaker_state") && x.value() == 1 && x.label("pipeline").equals(pipeline)) {
                return x.label("state");
            }
        }
        return "none";
    }

    static double budget(List<Sample> samples, String pipeline) {
        for (Sample x : samples) {
            if (x.name().equals("sinew_budget_remaining") && x.label("budget").equals(pipeline)) {
                return x.value();
            }
        }
        return Double.NaN;
    }
}
