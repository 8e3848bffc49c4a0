package dev.sinew.shop.load;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sinew load}: open-loop mixed load against the shop's gateway, then the per-route report. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Open-loop load on the shop's gateway: Poisson arrivals at --rate, latency measured from each",
            "request's intended send time (no coordinated omission). Prints per route ok / degraded / rejected /",
            "failed and p50/p95/p99. Exit code 1 if any request failed."})
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--target", defaultValue = "http://127.0.0.1:8080", description = "the gateway (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--rate", defaultValue = "50", description = "mean requests per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", defaultValue = "60s", description = "how long, e.g. 60s, 5m, 500ms (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--requests", description = "stop after this many requests (default: no bound)")
    Long requests;

    @Option(names = "--mix", defaultValue = LoadConfig.DEFAULT_MIX,
            description = "route weights (default: ${DEFAULT-VALUE}); routes: products, product, recommendations, login, order, get-order, pay")
    String mix;

    @Option(names = "--timeout", defaultValue = "2s", description = "a request without an answer after this counts as failed (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--max-in-flight", defaultValue = "256", description = "requests in flight at most; beyond that they count as failed (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--seed", description = "random seed (default: random)")
    Long seed;

    @Option(names = "--warmup", description = "first run this long at the same rate, unreported (warms the shop and this JVM), e.g. 30s")
    String warmup;

    @Option(names = "--window", description = "also print the report of each consecutive window of this length (by intended send time), e.g. 30s")
    String window;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadCommand()).execute(args));
    }

    @Override
    public Integer call() {
        LoadConfig.Builder b = LoadConfig.builder().target(target).rate(rate).duration(parseDuration("duration", duration))
                .requestTimeout(parseDuration("timeout", timeout)).maxInFlight(maxInFlight).mix(mix).progress(true);
        if (requests != null) {
            b.maxRequests(requests);
        }
        if (seed != null) {
            b.seed(seed);
        }
        LoadConfig config = b.build();
        System.err.printf("load: %.0f requests/s for %s on %s, mix %s%n", config.rate(), duration, target, mix);
        if (warmup != null) {
            LoadConfig.Builder w = LoadConfig.builder().target(target).rate(rate).duration(parseDuration("warmup", warmup))
                    .requestTimeout(config.requestTimeout()).maxInFlight(maxInFlight).mix(mix).progress(true);
            if (seed != null) {
                w.seed(seed + 1);
            }
            LoadResult wr = LoadGenerator.run(w.build());
            System.err.printf("%nload: warm-up done (%d requests, p99 %.1f ms)%n", wr.total().total(), wr.total().p99Millis());
        }
        LoadGenerator load = LoadGenerator.start(config);
        System.err.println("load: arrivals started"); // scripts time their faults from this line
        LoadResult r = load.await();
        if (window != null) {
            long w = parseDuration("window", window).toNanos();
            long total = config.duration().toNanos();
            for (long from = 0, k = 1; from < total; from += w, k++) {
                long to = Math.min(from + w, total);
                System.out.printf("window %d: %.1f-%.1f s%n", k, from / 1e9, to / 1e9);
                System.out.print(load.window(from, to).format());
            }
            System.out.println("whole run:");
        }
        System.out.print(r.format());
        System.out.println(load.sendLag());
        return r.total().failed() > 0 ? 1 : 0;
    }

    /** 60s, 5m, 500ms, 1h, or a plain number of seconds. */
    static Duration parseDuration(String key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            } else if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(new CommandLine(new LoadCommand()),
                    key + ": '" + text + "' is not a duration; expected e.g. 60s, 5m, 500ms");
        }
    }
}
