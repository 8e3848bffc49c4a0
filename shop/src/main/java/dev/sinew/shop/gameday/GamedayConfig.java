package dev.sinew.shop.gameday;

import dev.sinew.shop.load.LoadConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;

/**
 * How a game day runs: load, windows, the hypothesis' thresholds and how long to wait for things.
 * Immutable; {@link #builder()}. Defaults keep the default suite (20 experiments) under 15 minutes
 * on a 2-core machine: 30 requests/s, windows of 5 s baseline, 8 s fault, 10 s recovery.
 */
final class GamedayConfig {

    final double rate;
    final String mix;
    final long seed;
    final Duration baseline;
    final Duration fault;
    final Duration recovery;
    final Duration latency;
    final double errorRate;
    final double unaffectedAtLeast;
    final double answeredAtLeast;
    final Duration answerWithin;
    final Duration steadyTimeout;
    final Duration auditSettle;
    final Duration auditGrace;
    final Duration finalAuditTimeout;
    final PrintStream progress;

    private GamedayConfig(Builder b) {
        this.rate = b.rate;
        this.mix = b.mix;
        this.seed = b.seed;
        this.baseline = b.baseline;
        this.fault = b.fault;
        this.recovery = b.recovery;
        this.latency = b.latency;
        this.errorRate = b.errorRate;
        this.unaffectedAtLeast = b.unaffectedAtLeast;
        this.answeredAtLeast = b.answeredAtLeast;
        this.answerWithin = b.answerWithin;
        this.steadyTimeout = b.steadyTimeout;
        this.auditSettle = b.auditSettle;
        this.auditGrace = b.auditGrace;
        this.finalAuditTimeout = b.finalAuditTimeout;
        this.progress = b.progress;
    }

    static Builder builder() {
        return new Builder();
    }

    /** The default suite's shape from these settings. */
    Suite.Shape shape() {
        return new Suite.Shape(fault, latency, errorRate, unaffectedAtLeast, answeredAtLeast, answerWithin);
    }

    static final class Builder {
        private double rate = 30;
        private String mix = LoadConfig.DEFAULT_MIX + ",pay=5";
        private long seed = 42;
        private Duration baseline = Duration.ofSeconds(5);
        private Duration fault = Duration.ofSeconds(8);
        private Duration recovery = Duration.ofSeconds(10);
        private Duration latency = Duration.ofSeconds(2);
        private double errorRate = 0.5;
        private double unaffectedAtLeast = 0.99;
        private double answeredAtLeast = 0.99;
        private Duration answerWithin = Duration.ofSeconds(1);
        private Duration steadyTimeout = Duration.ofSeconds(60);
        private Duration auditSettle = Duration.ofSeconds(20);
        private Duration auditGrace = Duration.ofSeconds(5);
        private Duration finalAuditTimeout = Duration.ofSeconds(120);
        private PrintStream progress;

        private Builder() {
        }

        /** Requests per second of the open-loop load, 1 to 500. */
        Builder rate(double rate) {
            if (!(rate >= 1 && rate <= 500)) {
                throw new IllegalArgumentException("rate: " + rate + " is not allowed; expected 1 to 500 requests per second");
            }
            this.rate = rate;
            return this;
        }

        Builder mix(String mix) {
            LoadConfig.parseMix(mix);
            this.mix = mix;
            return this;
        }

        Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        Builder baseline(Duration d) {
            this.baseline = window("baseline", d, 1);
            return this;
        }

        Builder fault(Duration d) {
            this.fault = window("fault", d, 1);
            return this;
        }

        Builder recovery(Duration d) {
            this.recovery = window("recovery", d, 3);
            return this;
        }

        /** The delay of the latency faults (default 2 s). */
        Builder latency(Duration d) {
            this.latency = window("latency", d, 0);
            return this;
        }

        /** The share failed by the error faults (default 0.5). */
        Builder errorRate(double rate) {
            this.errorRate = share("error-rate", rate);
            return this;
        }

        Builder unaffectedAtLeast(double share) {
            this.unaffectedAtLeast = share("unaffected", share);
            return this;
        }

        /** How fast a route that needs the broken node must answer (ok, degraded or 503); default 1 s. */
        Builder answerWithin(Duration d) {
            this.answerWithin = window("answer-within", d, 0);
            return this;
        }

        Builder steadyTimeout(Duration d) {
            this.steadyTimeout = Objects.requireNonNull(d);
            return this;
        }

        Builder auditSettle(Duration d) {
            this.auditSettle = Objects.requireNonNull(d);
            return this;
        }

        Builder finalAuditTimeout(Duration d) {
            this.finalAuditTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Where the progress line goes (null: nowhere). */
        Builder progress(PrintStream out) {
            this.progress = out;
            return this;
        }

        GamedayConfig build() {
            return new GamedayConfig(this);
        }

        private static Duration window(String key, Duration d, int minSeconds) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() < minSeconds * 1000L || d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(key + ": " + d + " is not allowed; expected " + (minSeconds > 0
                        ? "at least " + minSeconds + "s" : "more than 0") + " and at most 1h");
            }
            return d;
        }

        private static double share(String key, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(key + ": " + v + " is not allowed; expected a share from 0 to 1");
            }
            return v;
        }
    }
}
