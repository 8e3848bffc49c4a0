package dev.sinew.shop.gameday;

import dev.sinew.chaos.experiment.Experiment;
import dev.sinew.chaos.gameday.Amplification;
import dev.sinew.chaos.gameday.Backlog;
import dev.sinew.chaos.gameday.ExperimentResult;
import dev.sinew.chaos.gameday.GamedayReport;
import dev.sinew.chaos.gameday.Invariants;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Second;
import dev.sinew.chaos.gameday.Verdict;
import dev.sinew.chaos.proxy.LinkFaults;
import dev.sinew.shop.audit.AuditReport;
import dev.sinew.shop.launcher.ShopNodes;
import dev.sinew.shop.load.LoadConfig;
import dev.sinew.shop.load.LoadGenerator;
import dev.sinew.shop.load.LoadResult;
import dev.sinew.shop.load.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game day runner: drives steady open-loop load through the shop's gateway and runs each
 * {@link Plan} in turn — a baseline window, the fault (kill -9, SIGSTOP, in-process latency or
 * errors on every caller's pipeline to the target, broker down) with its proof and abort
 * conditions, the rollback, a recovery window — then the audit; measures what users saw and what
 * the system noticed, and returns the readiness report.
 */
final class Gameday {

    private static final Logger log = LoggerFactory.getLogger(Gameday.class);
    /** How long the recovery window may be extended while the outbox backlog drains. */
    private static final Duration MAX_DRAIN_WAIT = Duration.ofSeconds(30);

    private final ShopNodes shop;
    private final GamedayConfig config;
    private final FaultSwitch faults;
    private final Progress progress;
    private final Audits audits;
    private LoadGenerator load;
    private MetricsWatch watch;
    private Proofs proofs;
    /** The last audit's full counts: what later experiments are not blamed for. */
    private Invariants carried;
    private volatile CompletableFuture<AuditReport> abortAudit;
    private long abortAuditStarted;

    Gameday(ShopNodes shop, GamedayConfig config) {
        this.shop = shop;
        this.config = config;
        this.faults = new FaultSwitch(shop);
        this.progress = new Progress(config.progress);
        this.audits = new Audits(shop, config.auditGrace);
    }

    /** Runs every plan of {@code suite} under load and returns the report; the shop is left running and healthy. */
    GamedayReport run(Suite suite, String title, Map<String, String> extraSettings) {
        faults.requireChaos();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        load = LoadGenerator.start(LoadConfig.builder().target(shop.gatewayUrl()).rate(config.rate)
                .duration(Duration.ofHours(24)).mix(config.mix).seed(config.seed).build());
        watch = new MetricsWatch(shop, load::elapsedNanos).start();
        proofs = new Proofs(shop, watch, load::elapsedNanos);
        progress.start(suite.plans().size(), load);
        List<ExperimentResult> results = new ArrayList<>();
        String stoppedBecause = null;
        Invariants finalAudit;
        try {
            progress.phase("warm-up: waiting for a steady state (≥ 99% served, p99 < 500 ms)");
            awaitSteady(Duration.ofSeconds(120));
            for (Plan p : suite.plans()) {
                ExperimentResult r = experiment(p);
                results.add(r);
                progress.done(r);
            }
        } catch (RuntimeException e) {
            // report what was measured so far, and why the rest did not run
            log.error("game day stopped early", e);
            stoppedBecause = e.toString();
        } finally {
            rollbackEverything();
            progress.phase("load stopped; final audit (every order settled, nothing lost or charged twice)");
            load.stopAndAwait();
            watch.close();
        }
        finalAudit = audits.settle(config.finalAuditTimeout);
        progress.stop();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("load", String.format(Locale.ROOT, "%.0f requests/s open loop (Poisson, seed %d), mix %s",
                config.rate, config.seed, config.mix));
        settings.put("windows", "baseline " + secs(config.baseline) + ", fault " + secs(config.fault) + " (default suite), recovery "
                + secs(config.recovery));
        settings.put("hypothesis", "routes that do not need the target ≥ " + Judge.pct(config.unaffectedAtLeast)
                + " served (ok or degraded); routes that need it answered (ok, degraded or 503) within "
                + config.answerWithin.toMillis() + " ms in ≥ " + Judge.pct(config.answeredAtLeast)
                + "; audit passes (0 lost orders, 0 duplicate charges, every order settled)");
        settings.putAll(extraSettings);
        if (stoppedBecause != null) {
            settings.put("STOPPED EARLY", "after " + results.size() + " of " + suite.plans().size() + " experiments: " + stoppedBecause);
        }
        return new GamedayReport(title, started, (System.nanoTime() - t0) / 1e9, settings, results, suite.skipped(), finalAudit);
    }

    // --- one experiment --------------------------------------------------------------------------

    private ExperimentResult experiment(Plan plan) {
        progress.experiment(plan);
        String steadyNote = awaitSteady(config.steadyTimeout);
        long t0 = load.elapsedNanos();
        progress.phase("baseline");
        sleepUntil(t0 + config.baseline.toNanos());

        long f0 = load.elapsedNanos();
        List<String> notes = new ArrayList<>();
        if (steadyNote != null) {
            notes.add(steadyNote);
        }
        List<String> callers = new ArrayList<>();
        String injectError = null;
        for (Experiment.Fault f : plan.faults()) {
            try {
                callers.addAll(inject(f));
            } catch (RuntimeException e) {
                injectError = "could not inject " + Suite.label(f) + " on " + f.target() + ": " + e.getMessage();
                log.warn(injectError);
                break;
            }
        }
        progress.phase("fault: " + plan.fault());
        CompletableFuture<Proofs.Result> proof = injectError != null
                ? CompletableFuture.completedFuture(new Proofs.Result(false, injectError))
                : CompletableFuture.supplyAsync(() -> proofs.prove(plan.proofs(), f0, callers));

        // the fault window: each fault rolled back at its own end, the aborts checked every second
        List<Experiment.Fault> pending = new ArrayList<>(plan.faults());
        pending.sort(Comparator.comparing(Experiment.Fault::duration));
        String aborted = null;
        long end = f0 + plan.faultDuration().toNanos();
        while (injectError == null && load.elapsedNanos() < end) {
            sleepUntil(Math.min(end, load.elapsedNanos() + TimeUnit.SECONDS.toNanos(1)));
            long now = load.elapsedNanos();
            while (!pending.isEmpty() && now >= f0 + pending.get(0).duration().toNanos() && pending.size() > 1) {
                apply(Suite.rollbackFor(pending.remove(0)), notes);
            }
            aborted = checkAborts(plan, now);
            if (aborted != null) {
                break;
            }
        }
        long f1 = load.elapsedNanos();
        progress.phase("rollback" + (aborted != null ? " (ABORTED: " + aborted + ")" : ""));
        for (Experiment.Fault f : pending) {
            apply(Suite.rollbackFor(f), notes);
        }
        for (Experiment.Rollback r : plan.rollbacks()) {
            apply(r, notes);
        }
        CompletableFuture<AuditReport> inFlight = abortAudit;
        if (inFlight != null) {
            inFlight.join(); // bounded by the audit's own timeout; no audit may outlive its experiment
            abortAudit = null;
        }
        long rolledBack = load.elapsedNanos();
        progress.phase("recovery");
        long t1 = Math.max(f1 + config.recovery.toNanos(), rolledBack + TimeUnit.SECONDS.toNanos(3));
        sleepUntil(t1);
        // a queue still draining: the recovery window goes on (at most MAX_DRAIN_WAIT) so its drain time is measured
        long drainLimit = t1 + MAX_DRAIN_WAIT.toNanos();
        while (!Measurement.backlog(watch.backlog(t0, load.elapsedNanos()), f0, f1).drained() && load.elapsedNanos() < drainLimit) {
            progress.phase("recovery: waiting for the outbox backlog to drain");
            sleepUntil(load.elapsedNanos() + TimeUnit.SECONDS.toNanos(1));
        }
        t1 = Math.max(t1, load.elapsedNanos());

        progress.phase("audit");
        Invariants audited = audits.settle(config.auditSettle, carried);
        Invariants invariants = audited.since(carried); // this experiment's own findings
        if (audited.checked()) {
            carried = audited;
        }
        // every request intended before t1 has its answer or its timeout by now
        sleepUntil(t1 + TimeUnit.MILLISECONDS.toNanos(2_500));
        Proofs.Result proven = proof.getNow(new Proofs.Result(false, "proof still pending"));
        boolean proofHeld = proven.held();

        List<Sample> samples = load.window(t0, t1).samples();
        List<RouteResult> routes = Measurement.routes(samples, f0, f1, plan.affected(), config.answerWithin);
        List<Second> timeline = Measurement.timeline(samples, t0, t1);
        double faultStart = (f0 - t0) / 1e9;
        double faultEnd = (f1 - t0) / 1e9;
        Double recover = Measurement.recovery(timeline, (int) Math.floor(faultStart), faultEnd);
        MetricsWatch.Detection d = watch.firstDetection(plan.target(), f0, t1);
        Backlog backlog = Measurement.backlog(watch.backlog(t0, t1), f0, f1);
        Amplification amplification = watch.amplification(plan.target(), f0, f1);
        Verdict verdict = Judge.verdict(plan.checks(), routes, amplification, proofHeld, proven.text(), invariants, aborted);
        if (!notes.isEmpty()) {
            verdict = new Verdict(verdict.status(), verdict.reason() + " [" + String.join("; ", notes) + "]");
        }
        return new ExperimentResult(plan.name(), plan.target(), plan.fault(), faultStart, (f1 - f0) / 1e9, (t1 - t0) / 1e9,
                routes, timeline, d == null ? null : (d.at() - f0) / 1e9, d == null ? null : d.what(), recover, backlog,
                amplification, proofHeld, proven.text(), invariants, verdict);
    }

    /** Breaks what {@code f} says; returns the services whose pipelines got an in-process fault. */
    private List<String> inject(Experiment.Fault f) {
        switch (f.kind()) {
            case KILL, BROKER_DOWN -> shop.kill(f.target());
            case FREEZE -> shop.freeze(f.target());
            case LATENCY -> {
                if ("broker".equals(f.target())) {
                    shop.brokerLink(new LinkFaults(f.latency().toMillis(), 0, 0, false, false, 0, false));
                    return List.of();
                }
                return faults.enable(f.target(), "{\"target\":\"" + f.target() + "\",\"kind\":\"latency\",\"latencyMs\":"
                        + f.latency().toMillis() + ",\"rate\":1.0}");
            }
            case ERROR_RATE -> {
                return faults.enable(f.target(), "{\"target\":\"" + f.target() + "\",\"kind\":\"error\",\"rate\":" + f.rate() + "}");
            }
            case BLACKHOLE -> shop.brokerLink(new LinkFaults(0, 0, 0, true, false, 0, false));
            case RESET -> shop.brokerLink(new LinkFaults(0, 0, 0, false, true, 0, false));
        }
        return List.of();
    }

    private void apply(Experiment.Rollback r, List<String> notes) {
        try {
            switch (r.action()) {
                case RESTART -> {
                    if (shop.frozen(r.target())) {
                        shop.thaw(r.target());
                    }
                    if (shop.pid(r.target()) < 0) {
                        shop.startNode(r.target());
                    }
                }
                case RESUME -> {
                    if (shop.frozen(r.target())) {
                        shop.thaw(r.target());
                    }
                }
                case CLEAR_FAULTS -> {
                    List<String> problems = faults.clearAll();
                    if (!problems.isEmpty()) {
                        notes.add("clearing faults: " + problems);
                    }
                }
            }
        } catch (RuntimeException e) {
            notes.add("rollback " + r.action().label() + " " + r.target() + " failed: " + e.getMessage());
            log.warn("rollback {} {} failed", r.action().label(), r.target(), e);
        }
    }

    /** Leaves the shop whole: no fault on, nothing frozen, nothing down (also from a Ctrl-C on an attached shop). */
    void rollbackEverything() {
        for (String node : dev.sinew.shop.launcher.Shop.NODES) {
            try {
                if (shop.frozen(node)) {
                    shop.thaw(node);
                }
                if (shop.pid(node) < 0) {
                    shop.startNode(node);
                }
            } catch (RuntimeException e) {
                log.warn("could not restore {}: {}", node, e.toString());
            }
        }
        faults.clearAll();
    }

    /** The first breached abort condition over the last settled seconds, or null. */
    private String checkAborts(Plan plan, long now) {
        long to = now - TimeUnit.MILLISECONDS.toNanos(2_500); // answered or timed out by now
        long from = to - TimeUnit.SECONDS.toNanos(2);
        for (AbortRule a : plan.aborts()) {
            switch (a.kind()) {
                case SUCCESS_BELOW, P99_ABOVE -> {
                    List<Sample> in = new ArrayList<>();
                    for (Sample s : load.window(Math.max(from, 0), to).samples()) {
                        if (a.routes().contains(s.route())) {
                            in.add(s);
                        }
                    }
                    if (in.size() < 5) {
                        continue;
                    }
                    RouteResult r = Measurement.route("abort", false, in, config.answerWithin);
                    if (a.kind() == AbortRule.Kind.SUCCESS_BELOW && r.success() < a.success()) {
                        return a.label() + " (" + Judge.pct(r.success()) + " of " + in.size() + " requests)";
                    }
                    if (a.kind() == AbortRule.Kind.P99_ABOVE && r.p99Millis() > a.p99().toMillis()) {
                        return a.label() + String.format(Locale.ROOT, " (p99 %.0f ms)", r.p99Millis());
                    }
                }
                case DUPLICATE_CHARGE -> {
                    // an audit in the background every ~5 s (the fault window keeps its length), and only while
                    // the databases' owners run: a frozen one holds its H2 file server (the audit would hang),
                    // a dead one would make the audit the file's server
                    CompletableFuture<AuditReport> f = abortAudit;
                    if (f != null && f.isDone()) {
                        AuditReport rep = f.getNow(null);
                        abortAudit = null;
                        if (rep != null && rep.duplicateCharges() > 0) {
                            return a.label() + " (" + rep.duplicateCharges() + ")";
                        }
                    }
                    if (abortAudit == null && now - abortAuditStarted >= TimeUnit.SECONDS.toNanos(5) && audits.auditable()) {
                        abortAuditStarted = now;
                        abortAudit = CompletableFuture.supplyAsync(() -> audits.once(Duration.ofHours(1)), r -> {
                            Thread t = new Thread(r, "gameday-abort-audit");
                            t.setDaemon(true);
                            t.start();
                        });
                    }
                }
            }
        }
        return null;
    }

    /**
     * Waits until the last settled 4 s of load look healthy (≥ 99% served, p99 < 500 ms, at least 20
     * requests), so one experiment's recovery does not count against the next. Returns null when
     * steady, else what it saw when the time was up.
     */
    private String awaitSteady(Duration timeout) {
        long start = System.nanoTime();
        long settle = TimeUnit.MILLISECONDS.toNanos(2500);
        while (true) {
            long now = load.elapsedNanos();
            LoadResult w = load.window(now - settle - TimeUnit.SECONDS.toNanos(4), now - settle);
            if (w.total().total() >= Math.min(20, config.rate * 2) && w.total().successRatio() >= 0.99 && w.total().p99Millis() < 500) {
                return null;
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                return String.format(Locale.ROOT, "started without a steady state: after %s the last 4 s had %.1f%% served, p99 %.0f ms",
                        secs(timeout), w.total().successRatio() * 100, w.total().p99Millis());
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    private void sleepUntil(long elapsedNanos) {
        long left;
        while ((left = elapsedNanos - load.elapsedNanos()) > 0) {
            sleepNanos(left);
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String secs(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
