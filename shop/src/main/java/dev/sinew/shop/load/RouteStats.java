package dev.sinew.shop.load;

import java.util.Arrays;
import java.util.List;

/** Counts and latency percentiles (from the intended send time) of one route, or of all routes. */
public record RouteStats(String route, long total, long ok, long degraded, long rejected, long failed,
                         double p50Millis, double p95Millis, double p99Millis, double maxMillis) {

    /** The counts and percentiles of {@code samples}. */
    public static RouteStats of(String route, List<Sample> samples) {
        long ok = 0;
        long degraded = 0;
        long rejected = 0;
        long failed = 0;
        long[] lat = new long[samples.size()];
        int i = 0;
        for (Sample s : samples) {
            switch (s.outcome()) {
                case OK -> ok++;
                case DEGRADED -> degraded++;
                case REJECTED -> rejected++;
                case FAILED -> failed++;
            }
            lat[i++] = s.latencyNanos();
        }
        Arrays.sort(lat);
        return new RouteStats(route, samples.size(), ok, degraded, rejected, failed,
                pct(lat, 0.50), pct(lat, 0.95), pct(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    /** (ok + degraded) / total; 1 when there were no requests. */
    public double successRatio() {
        return total == 0 ? 1 : (ok + degraded) / (double) total;
    }

    /** ok / total; 1 when there were no requests. */
    public double okRatio() {
        return total == 0 ? 1 : ok / (double) total;
    }
}
