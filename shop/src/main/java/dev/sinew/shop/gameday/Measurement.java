package dev.sinew.shop.gameday;

import dev.sinew.chaos.gameday.Backlog;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Second;
import dev.sinew.shop.load.Outcome;
import dev.sinew.shop.load.Route;
import dev.sinew.shop.load.RouteStats;
import dev.sinew.shop.load.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the load generator's samples (and the watched outbox lag) of one experiment into numbers:
 * per route over the fault window, per second over the whole experiment, the time to recover and
 * the backlog. Pure functions of their inputs; times are nanoseconds on the load generator's clock.
 */
final class Measurement {

    /** Seconds in a row that must look like the baseline before the system counts as recovered. */
    static final int STEADY_SECONDS = 3;
    /** How far under the baseline's shares a second may be and still count as back. */
    static final double TOLERANCE = 0.05;

    private Measurement() {
    }

    /** Per route (every route, in order), the requests intended in [from, to). */
    static List<RouteResult> routes(List<Sample> samples, long from, long to, Set<Route> affected, Duration answerWithin) {
        Map<Route, List<Sample>> by = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            by.put(r, new ArrayList<>());
        }
        for (Sample s : samples) {
            if (s.intendedNanos() >= from && s.intendedNanos() < to) {
                by.get(s.route()).add(s);
            }
        }
        List<RouteResult> out = new ArrayList<>();
        for (Map.Entry<Route, List<Sample>> e : by.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            out.add(route(e.getKey().label(), affected.contains(e.getKey()), e.getValue(), answerWithin));
        }
        return out;
    }

    static RouteResult route(String name, boolean affected, List<Sample> samples, Duration answerWithin) {
        RouteStats stats = RouteStats.of(name, samples);
        long within = answerWithin.toNanos();
        long answered = samples.stream().filter(s -> s.outcome() != Outcome.FAILED && s.latencyNanos() <= within).count();
        int n = samples.size();
        return new RouteResult(name, affected, n, stats.ok(), stats.degraded(), stats.rejected(), stats.failed(),
                stats.p50Millis(), stats.p99Millis(), n == 0 ? 1 : answered / (double) n);
    }

    /** One point per second of [from, to), seconds counted from {@code from}. */
    static List<Second> timeline(List<Sample> samples, long from, long to) {
        int n = (int) Math.max(0, (to - from + 999_999_999L) / 1_000_000_000L);
        List<List<Sample>> buckets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            buckets.add(new ArrayList<>());
        }
        for (Sample s : samples) {
            if (s.intendedNanos() >= from && s.intendedNanos() < to) {
                buckets.get((int) ((s.intendedNanos() - from) / 1_000_000_000L)).add(s);
            }
        }
        List<Second> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Sample> b = buckets.get(i);
            RouteStats st = RouteStats.of("second", b);
            out.add(new Second(i, b.size(), st.successRatio(), st.okRatio(), st.p50Millis(), st.p99Millis()));
        }
        return out;
    }

    /**
     * Seconds from the fault's end to the start of the first run of {@link #STEADY_SECONDS} seconds
     * whose served and full-answer shares are each within {@link #TOLERANCE} of the baseline's
     * (the seconds before {@code faultStartSecond}); null if there is none before the timeline ends.
     * Resolution: one second.
     */
    static Double recovery(List<Second> timeline, int faultStartSecond, double faultEndSeconds) {
        long base = 0;
        double served = 0;
        double ok = 0;
        for (Second s : timeline) {
            if (s.at() < faultStartSecond) {
                base += s.requests();
                served += s.success() * s.requests();
                ok += s.ok() * s.requests();
            }
        }
        double baseServed = base == 0 ? 1 : served / base;
        double baseOk = base == 0 ? 1 : ok / base;
        int first = (int) Math.floor(faultEndSeconds);
        int run = 0;
        for (int i = first; i < timeline.size(); i++) {
            Second s = timeline.get(i);
            boolean back = s.requests() == 0
                    || (s.success() >= baseServed - TOLERANCE && s.ok() >= baseOk - TOLERANCE);
            run = back ? run + 1 : 0;
            if (run == STEADY_SECONDS) {
                int start = i - STEADY_SECONDS + 1;
                return Math.max(0.0, start - faultEndSeconds);
            }
        }
        return null;
    }

    /**
     * The outbox backlog around a fault from {@code series} ({@code [atNanos, rows]}, in time order):
     * its baseline is the most rows seen before {@code faultStart}; the peak, the most from
     * {@code faultStart} on; drained when after the peak it is back at or under the baseline.
     */
    static Backlog backlog(List<long[]> series, long faultStart, long faultEnd) {
        long baseline = 0;
        long peak = 0;
        long peakAt = -1;
        for (long[] p : series) {
            if (p[0] < faultStart) {
                baseline = Math.max(baseline, p[1]);
            } else if (p[1] > peak) {
                peak = p[1];
                peakAt = p[0];
            }
        }
        if (peak <= baseline) {
            return new Backlog(baseline, peak, null, true);
        }
        for (long[] p : series) {
            if (p[0] > peakAt && p[0] >= faultEnd && p[1] <= baseline) {
                return new Backlog(baseline, peak, (p[0] - faultEnd) / 1e9, true);
            }
        }
        return new Backlog(baseline, peak, null, false);
    }
}
