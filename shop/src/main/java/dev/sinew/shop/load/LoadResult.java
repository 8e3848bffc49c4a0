package dev.sinew.shop.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a load run (or a time window of it) saw: per route and in total. */
public final class LoadResult {

    private final List<Sample> samples;
    private final Map<Route, RouteStats> routes;
    private final RouteStats total;
    private final double seconds;

    LoadResult(List<Sample> samples, double seconds) {
        this.samples = List.copyOf(samples);
        this.seconds = seconds;
        Map<Route, List<Sample>> by = new EnumMap<>(Route.class);
        for (Sample s : samples) {
            by.computeIfAbsent(s.route(), r -> new ArrayList<>()).add(s);
        }
        Map<Route, RouteStats> m = new LinkedHashMap<>();
        for (Map.Entry<Route, List<Sample>> e : by.entrySet()) {
            m.put(e.getKey(), RouteStats.of(e.getKey().label(), e.getValue()));
        }
        this.routes = m;
        this.total = RouteStats.of("all", samples);
    }

    /** Every request, in completion order. */
    public List<Sample> samples() {
        return samples;
    }

    /** Stats of one route (zero counts if it was not called). */
    public RouteStats route(Route route) {
        RouteStats s = routes.get(route);
        return s != null ? s : RouteStats.of(route.label(), List.of());
    }

    public Map<Route, RouteStats> routes() {
        return routes;
    }

    public RouteStats total() {
        return total;
    }

    /** Requests per second over the window. */
    public double throughput() {
        return seconds <= 0 ? 0 : total.total() / seconds;
    }

    /** The report table: per route ok / degraded / rejected / failed and p50/p95/p99/max in ms. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-16s %7s %7s %9s %9s %7s %9s %9s %9s %9s%n",
                "route", "total", "ok", "degraded", "rejected", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms"));
        for (RouteStats s : routes.values()) {
            line(sb, s);
        }
        line(sb, total);
        java.util.Map<String, Long> failures = new java.util.TreeMap<>();
        for (Sample x : samples) {
            if (x.outcome() == Outcome.FAILED) {
                failures.merge(x.status() == Sample.CLIENT_LIMIT ? "client in-flight bound"
                        : x.status() < 0 ? "no answer" : "HTTP " + x.status(), 1L, Long::sum);
            }
        }
        if (!failures.isEmpty()) {
            sb.append("failed: ").append(failures).append(" (no answer: timeout or connection error)\n");
        }
        sb.append(String.format("%.1f s, %.1f requests/s; latency from the intended send time; "
                + "degraded = 2xx with X-Sinew-Degraded, rejected = 503/429 (refused at once)%n", seconds, throughput()));
        return sb.toString();
    }

    private static void line(StringBuilder sb, RouteStats s) {
        sb.append(String.format("%-16s %7d %7d %9d %9d %7d %9.1f %9.1f %9.1f %9.1f%n", s.route(), s.total(), s.ok(),
                s.degraded(), s.rejected(), s.failed(), s.p50Millis(), s.p95Millis(), s.p99Millis(), s.maxMillis()));
    }

    @Override
    public String toString() {
        return format();
    }
}
