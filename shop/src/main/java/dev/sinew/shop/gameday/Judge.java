package dev.sinew.shop.gameday;

import dev.sinew.chaos.gameday.Amplification;
import dev.sinew.chaos.gameday.Invariants;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides an experiment's verdict from what was measured: ABORTED if a hard limit stopped it; FAIL
 * if the fault was not shown to take effect or any check of the hypothesis failed (every failed
 * check is named); else PASS, saying what held.
 */
final class Judge {

    private Judge() {
    }

    static Verdict verdict(List<Check> checks, List<RouteResult> routes, boolean proofHeld, String proof,
                           Invariants invariants, String abortedBecause) {
        return verdict(checks, routes, Amplification.NONE, proofHeld, proof, invariants, abortedBecause);
    }

    static Verdict verdict(List<Check> checks, List<RouteResult> routes, Amplification amplification, boolean proofHeld,
                           String proof, Invariants invariants, String abortedBecause) {
        if (abortedBecause != null) {
            return Verdict.aborted("stopped early and rolled back: " + abortedBecause);
        }
        if (!proofHeld) {
            return Verdict.fail("no proof the fault took effect: " + proof);
        }
        List<String> failed = new ArrayList<>();
        List<String> held = new ArrayList<>();
        double worstUnaffected = 1;
        String worstUnaffectedRoute = null;
        double worstAnswered = 1;
        for (Check c : checks) {
            if (c.kind() == Check.Kind.AUDIT) {
                if (!invariants.checked()) {
                    failed.add("audit not run: " + invariants.note());
                } else if (!invariants.passed()) {
                    failed.add(String.format(Locale.ROOT, "audit: %d lost orders, %d duplicate charges, %d violations%s",
                            invariants.lostOrders(), invariants.duplicateCharges(), invariants.violations(),
                            invariants.note() == null || invariants.note().isEmpty() ? "" : " (" + invariants.note() + ")"));
                } else {
                    held.add("audit passed");
                }
                continue;
            }
            if (c.kind() == Check.Kind.AMPLIFICATION) {
                Double ratio = amplification.ratio();
                if (ratio == null || amplification.calls() < Check.AMPLIFICATION_MIN_CALLS) {
                    continue; // nobody calls it through a pipeline, or too few calls to judge a ratio
                }
                String seen = String.format(Locale.ROOT, "retry amplification %.2fx (%d attempts for %d calls)", ratio,
                        amplification.attempts(), amplification.calls());
                if (ratio > c.atLeast() + 1e-9) {
                    failed.add(String.format(Locale.ROOT, "%s > %.1fx", seen, c.atLeast()));
                } else {
                    held.add(String.format(Locale.ROOT, "%s ≤ %.1fx", seen, c.atLeast()));
                }
                continue;
            }
            RouteResult r = find(routes, c.route().label());
            if (r == null || r.total() == 0) {
                continue; // no request on that route in the window: nothing to judge
            }
            switch (c.kind()) {
                case SUCCESS -> {
                    if (r.success() < c.atLeast()) {
                        failed.add(String.format(Locale.ROOT, "%s served %s < %s (%d failed, %d rejected of %d)", r.route(),
                                pct(r.success()), pct(c.atLeast()), r.failed(), r.rejected(), r.total()));
                    } else if (r.affected()) {
                        held.add(String.format(Locale.ROOT, "%s served %s (≥ %s)", r.route(), pct(r.success()), pct(c.atLeast())));
                    } else if (r.success() <= worstUnaffected) {
                        worstUnaffected = r.success();
                        worstUnaffectedRoute = r.route();
                    }
                }
                case ANSWERED_WITHIN -> {
                    if (r.answeredWithin() < c.atLeast()) {
                        failed.add(String.format(Locale.ROOT, "%s answered within %d ms in %s < %s (p99 %.0f ms, %d failed of %d)",
                                r.route(), c.bound().toMillis(), pct(r.answeredWithin()), pct(c.atLeast()), r.p99Millis(),
                                r.failed(), r.total()));
                    } else {
                        worstAnswered = Math.min(worstAnswered, r.answeredWithin());
                    }
                }
                case P99 -> {
                    if (r.p99Millis() > c.bound().toMillis()) {
                        failed.add(String.format(Locale.ROOT, "%s p99 %.0f ms > %d ms", r.route(), r.p99Millis(), c.bound().toMillis()));
                    }
                }
                default -> throw new IllegalStateException(c.kind().toString());
            }
        }
        if (!failed.isEmpty()) {
            return Verdict.fail(String.join("; ", failed));
        }
        List<String> why = new ArrayList<>();
        if (worstUnaffectedRoute != null) {
            why.add("routes that do not need it served " + pct(worstUnaffected) + " at the lowest (" + worstUnaffectedRoute + ")");
        }
        List<String> affected = routes.stream().filter(r -> r.affected() && r.degraded() + r.rejected() > 0)
                .map(r -> String.format(Locale.ROOT, "%s %d degraded/%d rejected", r.route(), r.degraded(), r.rejected()))
                .toList();
        if (routes.stream().anyMatch(RouteResult::affected)) {
            why.add("routes that need it answered in time in " + pct(worstAnswered)
                    + (affected.isEmpty() ? " (none degraded or refused)" : " (" + String.join(", ", affected) + ")"));
        }
        why.addAll(held);
        return Verdict.pass(why.isEmpty() ? "every check held" : String.join("; ", why));
    }

    private static RouteResult find(List<RouteResult> routes, String name) {
        for (RouteResult r : routes) {
            if (r.route().equals(name)) {
                return r;
            }
        }
        return null;
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
