package dev.sinew.shop.load;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a load run does: target, rate, bounds and route mix. Immutable; {@link #builder()}.
 *
 * <p>Defaults: gateway {@code http://127.0.0.1:8080}, 50 requests/s, 60 s, no request-count bound,
 * 2 s request timeout (a late answer counts as failed), at most 256 requests in flight (beyond that
 * a request counts as failed at once: a hung server cannot exhaust the client), and the mix
 * {@code products=30,product=25,recommendations=15,login=5,order=15,get-order=10}.
 */
public final class LoadConfig {

    /** The default route mix (weights). */
    public static final String DEFAULT_MIX = "products=30,product=25,recommendations=15,login=5,order=15,get-order=10";

    private final URI target;
    private final double rate;
    private final Duration duration;
    private final long maxRequests;
    private final Duration requestTimeout;
    private final int maxInFlight;
    private final Map<Route, Integer> mix;
    private final long seed;
    private final boolean progress;

    private LoadConfig(Builder b) {
        this.target = b.target;
        this.rate = b.rate;
        this.duration = b.duration;
        this.maxRequests = b.maxRequests;
        this.requestTimeout = b.requestTimeout;
        this.maxInFlight = b.maxInFlight;
        this.mix = Collections.unmodifiableMap(new EnumMap<>(b.mix));
        this.seed = b.seed;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI target() { return target; }
    public double rate() { return rate; }
    public Duration duration() { return duration; }
    public long maxRequests() { return maxRequests; }
    public Duration requestTimeout() { return requestTimeout; }
    public int maxInFlight() { return maxInFlight; }
    public Map<Route, Integer> mix() { return mix; }
    public long seed() { return seed; }
    public boolean progress() { return progress; }

    /** Parses {@code products=30,order=15,...} into weights; names as in {@link Route#label()}. */
    public static Map<Route, Integer> parseMix(String mix) {
        Map<Route, Integer> m = new EnumMap<>(Route.class);
        for (String part : mix.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("mix: '" + p + "' is not route=weight, e.g. products=30");
            }
            Route r = Route.of(p.substring(0, eq).trim());
            int w;
            try {
                w = Integer.parseInt(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mix: weight of " + r.label() + " '" + p.substring(eq + 1) + "' is not an integer");
            }
            if (w < 0) {
                throw new IllegalArgumentException("mix: weight of " + r.label() + " is " + w + "; expected 0 or more");
            }
            m.put(r, w);
        }
        if (m.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
            throw new IllegalArgumentException("mix: '" + mix + "' has no route with a positive weight");
        }
        return m;
    }

    public static final class Builder {
        private URI target = URI.create("http://127.0.0.1:8080");
        private double rate = 50;
        private Duration duration = Duration.ofSeconds(60);
        private long maxRequests = Long.MAX_VALUE;
        private Duration requestTimeout = Duration.ofSeconds(2);
        private int maxInFlight = 256;
        private Map<Route, Integer> mix = parseMix(DEFAULT_MIX);
        private long seed = System.nanoTime();
        private boolean progress;

        private Builder() {
        }

        /** The gateway's base URL. */
        public Builder target(String url) {
            this.target = URI.create(Objects.requireNonNull(url, "target").replaceAll("/+$", ""));
            return this;
        }

        /** Mean arrivals per second (Poisson), 0.1 to 100,000. */
        public Builder rate(double rate) {
            if (!(rate >= 0.1 && rate <= 100_000)) {
                throw new IllegalArgumentException("rate: " + rate + " is not allowed; expected 0.1 to 100000 requests per second");
            }
            this.rate = rate;
            return this;
        }

        /** How long arrivals go on (then in-flight requests are awaited); at most 24 h. */
        public Builder duration(Duration duration) {
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("duration: " + duration + " is not allowed; expected more than 0 and at most 24h");
            }
            this.duration = duration;
            return this;
        }

        /** Stop after this many requests even if the duration is not over. */
        public Builder maxRequests(long maxRequests) {
            if (maxRequests < 1) {
                throw new IllegalArgumentException("max-requests: " + maxRequests + " is not allowed; expected 1 or more");
            }
            this.maxRequests = maxRequests;
            return this;
        }

        /** A request without a complete answer after this counts as failed (default 2 s). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " is not allowed; expected more than 0");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** Requests in flight at most; one more counts as failed at once (default 256). */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1 || maxInFlight > 10_000) {
                throw new IllegalArgumentException("max-in-flight: " + maxInFlight + " is not allowed; expected 1 to 10000");
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Route weights, e.g. {@code products=30,order=15}; routes not named get weight 0. */
        public Builder mix(String mix) {
            this.mix = parseMix(mix);
            return this;
        }

        public Builder mix(Map<Route, Integer> mix) {
            this.mix = new EnumMap<>(mix);
            return this;
        }

        /** Seed of the arrival times and route choice (default: random). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Print a progress line every second on stderr (the command line does; tests don't). */
        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        public LoadConfig build() {
            return new LoadConfig(this);
        }
    }
}
