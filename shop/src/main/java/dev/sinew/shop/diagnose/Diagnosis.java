package dev.sinew.shop.diagnose;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.config.SinewRegistry;
import dev.sinew.event.CircuitState;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.shop.runtime.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What {@code GET /diagnose} answers: one service's health in one look — its HTTP error rate over
 * the last minute, every dependency (pipeline) with breaker state and since when, failure rate,
 * p99 latency, calls and rejections of the last minute, the slowest dependency, and a one-line
 * verdict naming what is wrong. Built on demand from {@link DependencyTracker} and the
 * {@link RequestWindow}; nothing here runs on the request path of other routes.
 */
public final class Diagnosis {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** A dependency failing at least this share of its calls in the last minute is named in the verdict. */
    static final double FAILING = 0.2;

    private final String service;
    private final String instance;
    private final long pid = ProcessHandle.current().pid();
    private final long startedMillis;
    private final RequestWindow requests;
    private final DependencyTracker tracker;
    private final SinewRegistry registry;
    private final LongSupplier clockMillis;

    public Diagnosis(String service, String instance, long startedMillis, RequestWindow requests,
                     DependencyTracker tracker, SinewRegistry registry, LongSupplier clockMillis) {
        this.service = service;
        this.instance = instance;
        this.startedMillis = startedMillis;
        this.requests = requests;
        this.tracker = tracker;
        this.registry = registry;
        this.clockMillis = clockMillis;
    }

    /** One dependency as reported. */
    record Dep(String name, String breaker, long sinceMillis, long calls, long failures, long rejections,
               double failureRate, double breakerFailureRate, long p99Ms, String dominantError, String traceId) {
        boolean open() {
            return "OPEN".equals(breaker) || "FORCED_OPEN".equals(breaker);
        }

        boolean troubled() {
            return open() || "HALF_OPEN".equals(breaker) || (calls > 0 && failureRate >= FAILING);
        }
    }

    List<Dep> dependencies() {
        Map<String, Pipeline> pipelines = new TreeMap<>();
        for (Pipeline p : registry.pipelines()) {
            pipelines.put(p.name(), p);
        }
        List<Dep> out = new ArrayList<>();
        for (Pipeline p : pipelines.values()) {
            DependencyTracker.Dependency d = tracker.dependency(p.name());
            long[] s = d.window.sums();
            long calls = s[DependencyTracker.CALLS];
            long failures = s[DependencyTracker.FAILURES];
            long rejections = s[DependencyTracker.REJECTIONS];
            CircuitBreaker cb = p.policy(CircuitBreaker.class).orElse(null);
            String breaker = cb == null ? "NONE" : cb.state().name();
            long since = cb != null && d.state == cb.state() ? d.stateSinceMillis : startedMillis;
            String dominant = null;
            long most = 0;
            for (Map.Entry<String, MinuteWindow> e : d.errors.entrySet()) {
                long n = e.getValue().sum(0);
                if (n > most) {
                    most = n;
                    dominant = e.getKey();
                }
            }
            if (dominant == null && rejections > 0) {
                dominant = "RejectedException";
            }
            out.add(new Dep(p.name(), breaker, since, calls, failures, rejections,
                    calls == 0 ? 0 : (double) (failures + rejections) / calls,
                    cb == null ? Double.NaN : cb.failureRate(),
                    LatencyBuckets.quantileMs(s, DependencyTracker.LATENCY, 0.99), dominant,
                    d.lastFailedTraceId));
        }
        return out;
    }

    /** The report as JSON. */
    public ObjectNode json() {
        long now = clockMillis.getAsLong();
        List<Dep> deps = dependencies();
        long all = requests.all();
        long errors = requests.serverErrors();
        ObjectNode o = Json.object();
        o.put("service", service);
        o.put("instance", instance);
        o.put("pid", pid);
        o.put("startedAt", Instant.ofEpochMilli(startedMillis).toString());
        o.put("uptimeSeconds", (now - startedMillis) / 1000);
        ObjectNode http = o.putObject("http");
        http.put("requestsLastMinute", all);
        http.put("serverErrorsLastMinute", errors);
        http.put("errorRate", all == 0 ? 0.0 : round((double) errors / all));
        String dominant = dominantError(deps, errors);
        if (dominant != null) {
            o.put("dominantError", dominant);
        }
        Dep slowest = slowest(deps);
        if (slowest != null) {
            o.putObject("slowestDependency").put("name", slowest.name()).put("p99Ms", slowest.p99Ms());
        }
        ArrayNode arr = o.putArray("dependencies");
        for (Dep d : deps) {
            ObjectNode n = arr.addObject();
            n.put("name", d.name());
            n.put("breaker", d.breaker());
            n.put("breakerSince", Instant.ofEpochMilli(d.sinceMillis()).toString());
            n.put("callsLastMinute", d.calls());
            n.put("failuresLastMinute", d.failures());
            n.put("rejectionsLastMinute", d.rejections());
            n.put("failureRate", round(d.failureRate()));
            if (!Double.isNaN(d.breakerFailureRate())) {
                n.put("breakerWindowFailureRate", round(d.breakerFailureRate()));
            }
            if (d.p99Ms() >= 0) {
                n.put("p99Ms", d.p99Ms());
            }
            if (d.dominantError() != null) {
                n.put("dominantError", d.dominantError());
            }
            if (d.traceId() != null) {
                n.put("exampleFailedTraceId", d.traceId());
            }
        }
        o.put("verdict", verdict(deps, all, errors, slowest));
        return o;
    }

    /** The report as plain text, one fact per line. */
    public String text() {
        ObjectNode j = json();
        StringBuilder b = new StringBuilder();
        b.append(j.path("service").asText()).append(" @ ").append(j.path("instance").asText())
                .append(" (pid ").append(j.path("pid").asLong()).append("), started ")
                .append(j.path("startedAt").asText()).append('\n');
        b.append("verdict: ").append(j.path("verdict").asText()).append('\n');
        ObjectNode http = (ObjectNode) j.path("http");
        b.append(String.format(Locale.ROOT, "http: %d requests in the last minute, %d 5xx (%.1f%%)%n",
                http.path("requestsLastMinute").asLong(), http.path("serverErrorsLastMinute").asLong(),
                100 * http.path("errorRate").asDouble()));
        if (j.has("dominantError")) {
            b.append("dominant error: ").append(j.path("dominantError").asText()).append('\n');
        }
        if (j.has("slowestDependency")) {
            b.append("slowest dependency: ").append(j.path("slowestDependency").path("name").asText()).append(" p99 ")
                    .append(j.path("slowestDependency").path("p99Ms").asLong()).append(" ms\n");
        }
        for (var n : j.path("dependencies")) {
            b.append(String.format(Locale.ROOT, "  %-15s breaker %-9s since %s  calls %d  failed %d  rejected %d  failures %.0f%%  p99 %s%s%s%n",
                    n.path("name").asText(), n.path("breaker").asText(),
                    TIME.format(Instant.parse(n.path("breakerSince").asText())),
                    n.path("callsLastMinute").asLong(), n.path("failuresLastMinute").asLong(),
                    n.path("rejectionsLastMinute").asLong(), 100 * n.path("failureRate").asDouble(),
                    n.has("p99Ms") ? n.path("p99Ms").asLong() + " ms" : "-",
                    n.has("dominantError") ? "  error " + n.path("dominantError").asText() : "",
                    n.has("exampleFailedTraceId") ? "  trace " + n.path("exampleFailedTraceId").asText() : ""));
        }
        return b.toString();
    }

    static String verdict(List<Dep> deps, long requests, long serverErrors, Dep slowest) {
        Dep worst = deps.stream().filter(Dep::troubled)
                .max(Comparator.comparingInt((Dep d) -> d.open() ? 2 : "HALF_OPEN".equals(d.breaker()) ? 1 : 0)
                        .thenComparingDouble(Dep::failureRate).thenComparingLong(Dep::calls))
                .orElse(null);
        StringBuilder v = new StringBuilder();
        if (worst == null) {
            v.append("no failing dependency");
        } else {
            v.append(worst.name()).append(": ");
            if (!"CLOSED".equals(worst.breaker()) && !"NONE".equals(worst.breaker())) {
                v.append("breaker ").append(worst.breaker()).append(" since ").append(TIME.format(Instant.ofEpochMilli(worst.sinceMillis())))
                        .append(" (");
            } else {
                v.append("failing (");
            }
            v.append(String.format(Locale.ROOT, "%.0f%% failures", 100 * worst.failureRate()));
            if (worst.dominantError() != null) {
                v.append(", ").append(worst.dominantError());
            }
            v.append(')');
        }
        if (serverErrors > 0) {
            v.append(String.format(Locale.ROOT, "; HTTP 5xx %.1f%% of %d requests", 100.0 * serverErrors / requests, requests));
        }
        if (slowest != null) {
            v.append("; slowest dependency ").append(slowest.name()).append(" p99 ").append(slowest.p99Ms()).append(" ms");
        }
        return v.toString();
    }

    private static Dep slowest(List<Dep> deps) {
        return deps.stream().filter(d -> d.p99Ms() >= 0).max(Comparator.comparingLong(Dep::p99Ms)).orElse(null);
    }

    private static String dominantError(List<Dep> deps, long serverErrors) {
        Dep most = deps.stream().filter(d -> d.dominantError() != null)
                .max(Comparator.comparingLong(d -> d.failures() + d.rejections())).orElse(null);
        if (most != null) {
            return most.dominantError() + " (" + most.name() + ")";
        }
        return serverErrors > 0 ? "HTTP 5xx answers" : null;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
