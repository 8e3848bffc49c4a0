package dev.sinew.shop.gameday;

import dev.sinew.chaos.experiment.Experiment;
import dev.sinew.chaos.experiment.FaultKind;
import dev.sinew.chaos.experiment.ProofKind;
import dev.sinew.chaos.experiment.RollbackAction;
import dev.sinew.chaos.gameday.Skipped;
import dev.sinew.shop.load.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a game day runs: the default matrix (every service and the broker × kill, freeze, latency,
 * errors, blackhole, minus the combinations that make no sense, each with its reason) or experiment
 * files. Latency, errors (connection resets) and blackhole on the broker go through the TCP fault
 * proxy every Kafka connection of the shop passes (the launcher routes them so with chaos on).
 */
record Suite(List<Plan> plans, List<Skipped> skipped) {

    /** Targets of the default suite, in the order they run. */
    static final List<String> TARGETS = List.of("payment", "inventory", "recommendation", "auth", "catalog", "order", "broker");
    /** Faults of the default suite, in the order they run per target. */
    static final List<String> FAULTS = List.of("kill", "freeze", "latency", "errors", "blackhole");

    private static final Duration PROOF_WITHIN = Duration.ofSeconds(5);
    /** The target: under a full outage, attempts ÷ calls toward the broken node at most 1.2. */
    static final double MAX_AMPLIFICATION = 1.2;

    /** How the default suite's experiments are shaped. */
    record Shape(Duration fault, Duration latency, double errorRate, double unaffectedAtLeast, double answeredAtLeast,
                 Duration answerWithin) {
    }

    /** The default matrix restricted to {@code targets} and {@code faults} (names as in {@link #TARGETS}, {@link #FAULTS}). */
    static Suite defaults(List<String> targets, List<String> faults, Shape shape) {
        for (String t : targets) {
            if (!TARGETS.contains(t) && !"gateway".equals(t)) {
                throw new IllegalArgumentException("target '" + t + "' is not one of " + String.join(", ", TARGETS) + ", gateway");
            }
        }
        for (String f : faults) {
            if (!FAULTS.contains(f)) {
                throw new IllegalArgumentException("fault '" + f + "' is not one of " + String.join(", ", FAULTS));
            }
        }
        List<Plan> plans = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (String target : targets) {
            if ("gateway".equals(target)) {
                skipped.add(new Skipped("gateway", "(all faults)", "the only entry point: every route needs it and the shop"
                        + " runs one gateway, so any fault there is a full outage by design (a second gateway behind a"
                        + " load balancer would be the cure)"));
                continue;
            }
            for (String fault : faults) {
                String why = skipReason(target, fault);
                if (why != null) {
                    skipped.add(new Skipped(target, fault, why));
                    continue;
                }
                plans.add(plan(target, fault, shape));
            }
        }
        return new Suite(plans, skipped);
    }

    static String skipReason(String target, String fault) {
        boolean inProcess = fault.equals("latency") || fault.equals("errors");
        if (inProcess && target.equals("inventory")) {
            return "no service calls inventory over HTTP: orders reach it through Kafka, so there is no caller"
                    + " pipeline to slow or fail (kill and freeze cover inventory)";
        }
        if (fault.equals("blackhole") && !target.equals("broker")) {
            return "only the Kafka connections go through the TCP fault proxy; a service's HTTP callers are not"
                    + " proxied, and freeze has the same effect on them (the process keeps its sockets and answers nothing)";
        }
        return null;
    }

    private static Plan plan(String target, String fault, Shape shape) {
        Experiment.Fault f = switch (fault) {
            case "kill" -> new Experiment.Fault("broker".equals(target) ? FaultKind.BROKER_DOWN : FaultKind.KILL, target,
                    shape.fault(), null, null);
            case "freeze" -> new Experiment.Fault(FaultKind.FREEZE, target, shape.fault(), null, null);
            case "latency" -> new Experiment.Fault(FaultKind.LATENCY, target, shape.fault(), shape.latency(), null);
            // the broker's "errors": every Kafka connection reset through the proxy (a Kafka client has no error rate)
            case "errors" -> "broker".equals(target) ? new Experiment.Fault(FaultKind.RESET, target, shape.fault(), null, null)
                    : new Experiment.Fault(FaultKind.ERROR_RATE, target, shape.fault(), null, shape.errorRate());
            case "blackhole" -> new Experiment.Fault(FaultKind.BLACKHOLE, target, shape.fault(), null, null);
            default -> throw new IllegalArgumentException(fault);
        };
        Set<Route> affected = Routes.needing(target);
        List<Check> checks = new ArrayList<>();
        for (Route r : Route.values()) {
            checks.add(affected.contains(r) ? Check.answeredWithin(r, shape.answeredAtLeast(), shape.answerWithin())
                    : Check.success(r, shape.unaffectedAtLeast()));
        }
        checks.add(Check.audit());
        if (f.kind() == FaultKind.KILL || f.kind() == FaultKind.FREEZE) {
            checks.add(Check.amplification(MAX_AMPLIFICATION)); // a full outage: retries must not pile on
        }
        Set<Route> unaffected = EnumSet.allOf(Route.class);
        unaffected.removeAll(affected);
        List<AbortRule> aborts = List.of(
                new AbortRule(AbortRule.Kind.SUCCESS_BELOW, unaffected, 0.5, null, "routes that do not need " + target
                        + " served < 50%"),
                new AbortRule(AbortRule.Kind.DUPLICATE_CHARGE, Set.of(), 0, null, "an order charged twice"));
        return new Plan(target + " " + fault, target, label(f), List.of(f), affected, checks, aborts,
                List.of(rollbackFor(f)), List.of(proofFor(f)));
    }

    /** The experiments of a file (parsed by the chaos module's parser), made runnable. */
    static Plan fromExperiment(Experiment e, Shape shape) {
        Set<Route> affected = EnumSet.noneOf(Route.class);
        List<String> labels = new ArrayList<>();
        for (Experiment.Fault f : e.method()) {
            Routes.needing(f.target());
            if ((f.kind() == FaultKind.BLACKHOLE || f.kind() == FaultKind.RESET) && !"broker".equals(f.target())) {
                throw new IllegalArgumentException(e.title() + ": " + f.kind().label() + " on " + f.target()
                        + ": only the broker's (Kafka) connections go through the TCP fault proxy; use freeze (the"
                        + " process keeps its sockets and answers nothing) or error-rate on a service");
            }
            if (f.kind() == FaultKind.ERROR_RATE && "broker".equals(f.target())) {
                throw new IllegalArgumentException(e.title() + ": error-rate on broker: a Kafka client has no error"
                        + " rate to inject; use reset (every connection reset through the fault proxy), blackhole or latency");
            }
            if ((f.kind() == FaultKind.LATENCY || f.kind() == FaultKind.ERROR_RATE) && skipReason(f.target(), "latency") != null) {
                throw new IllegalArgumentException(e.title() + ": " + f.kind().label() + " on " + f.target() + ": "
                        + skipReason(f.target(), "latency"));
            }
            if (f.kind() == FaultKind.BROKER_DOWN && !"broker".equals(f.target())) {
                throw new IllegalArgumentException(e.title() + ": broker-down targets the broker, not " + f.target());
            }
            affected.addAll(Routes.needing(f.target()));
            labels.add(label(f) + ("broker".equals(f.target()) && f.kind() == FaultKind.BROKER_DOWN ? "" : " on " + f.target()));
        }
        List<Check> checks = new ArrayList<>();
        for (Experiment.Probe p : e.hypothesis()) {
            switch (p.kind()) {
                case SUCCESS -> Routes.parse(p.route()).forEach(r -> checks.add(Check.success(r, p.minSuccess())));
                case P99 -> Routes.parse(p.route()).forEach(r -> checks.add(Check.p99(r, p.maxP99())));
                case AUDIT -> checks.add(Check.audit());
            }
        }
        List<AbortRule> aborts = new ArrayList<>();
        for (Experiment.Abort a : e.abort()) {
            aborts.add(switch (a.kind()) {
                case SUCCESS_BELOW -> new AbortRule(AbortRule.Kind.SUCCESS_BELOW, Routes.parse(a.route()), a.success(), null,
                        a.route() + " served < " + Math.round(a.success() * 100) + "%");
                case P99_ABOVE -> new AbortRule(AbortRule.Kind.P99_ABOVE, Routes.parse(a.route()), 0, a.p99(),
                        a.route() + " p99 > " + a.p99().toMillis() + " ms");
                case AUDIT_FAILS -> new AbortRule(AbortRule.Kind.DUPLICATE_CHARGE, Set.of(), 0, null,
                        "audit: an order charged twice");
            });
        }
        List<Experiment.Proof> proofs = new ArrayList<>(e.proof());
        if (proofs.isEmpty()) {
            e.method().forEach(f -> proofs.add(proofFor(f)));
        }
        List<Experiment.Rollback> rollbacks = new ArrayList<>(e.rollback());
        e.method().forEach(f -> rollbacks.add(rollbackFor(f))); // always undo what was done, whatever the file says
        return new Plan(e.title(), e.method().get(0).target(), String.join(" + ", labels), e.method(), affected, checks,
                aborts, rollbacks, proofs);
    }

    static String label(Experiment.Fault f) {
        return switch (f.kind()) {
            case KILL -> "kill -9";
            case FREEZE -> "freeze (SIGSTOP)";
            case LATENCY -> "+" + seconds(f.latency()) + " latency" + ("broker".equals(f.target()) ? " (proxy)" : "");
            case ERROR_RATE -> Math.round(f.rate() * 100) + "% errors";
            case BROKER_DOWN -> "broker down (kill -9)";
            case BLACKHOLE -> "blackhole (proxy)";
            case RESET -> "connection reset (proxy)";
        };
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static Experiment.Rollback rollbackFor(Experiment.Fault f) {
        return switch (f.kind()) {
            case KILL, BROKER_DOWN -> new Experiment.Rollback(RollbackAction.RESTART, f.target());
            case FREEZE -> new Experiment.Rollback(RollbackAction.RESUME, f.target());
            default -> new Experiment.Rollback(RollbackAction.CLEAR_FAULTS, f.target());
        };
    }

    static Experiment.Proof proofFor(Experiment.Fault f) {
        return switch (f.kind()) {
            case KILL, FREEZE -> new Experiment.Proof(ProofKind.STOPS_ANSWERING, f.target(), PROOF_WITHIN);
            case BROKER_DOWN -> new Experiment.Proof(ProofKind.BROKER_UNREACHABLE, f.target(), PROOF_WITHIN);
            // proxy faults: a Kafka request through the proxy, compared with one sent directly (no traffic needed)
            case BLACKHOLE -> new Experiment.Proof(ProofKind.STOPS_ANSWERING, f.target(), PROOF_WITHIN);
            case RESET -> new Experiment.Proof(ProofKind.ANSWERS_ERRORS, f.target(), PROOF_WITHIN);
            // evidence of an in-process fault comes with traffic, thin on some routes (logins are 5% of the
            // mix): the whole fault window may pass before a caller shows it
            case LATENCY -> "broker".equals(f.target()) ? new Experiment.Proof(ProofKind.ANSWERS_SLOWER, f.target(), PROOF_WITHIN)
                    : new Experiment.Proof(ProofKind.ANSWERS_SLOWER, f.target(), max(PROOF_WITHIN, f.duration()));
            default -> new Experiment.Proof(ProofKind.ANSWERS_ERRORS, f.target(), max(PROOF_WITHIN, f.duration()));
        };
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** For the suite listing ({@code --list}). */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Plan p : plans) {
            sb.append(String.format(Locale.ROOT, "  %-24s %s on %s for %d s; needs it: %s%n", p.name(), p.fault(), p.target(),
                    p.faultDuration().toSeconds(), p.affected().isEmpty() ? "none" : p.affected().stream().map(Route::label).sorted().toList()));
        }
        for (Skipped s : skipped) {
            sb.append(String.format(Locale.ROOT, "  %-24s not run: %s%n", s.target() + " " + s.fault(), s.reason()));
        }
        return sb.toString();
    }
}
