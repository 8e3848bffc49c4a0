package dev.sinew.shop.gameday;

import dev.sinew.chaos.experiment.Experiment;
import dev.sinew.chaos.experiment.ProofKind;
import dev.sinew.chaos.gameday.Backlog;
import dev.sinew.chaos.gameday.ExperimentResult;
import dev.sinew.chaos.gameday.GamedayReport;
import dev.sinew.chaos.gameday.Invariants;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Second;
import dev.sinew.chaos.gameday.Verdict;
import dev.sinew.shop.audit.Audit;
import dev.sinew.shop.audit.AuditReport;
import dev.sinew.shop.launcher.ShopNodes;
import dev.sinew.shop.load.LoadConfig;
import dev.sinew.shop.load.LoadGenerator;
import dev.sinew.shop.load.LoadResult;
import dev.sinew.shop.load.Sample;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
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

    private final ShopNodes shop;
    private final GamedayConfig config;
    private final FaultSwitch faults;
    private final Progress progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private LoadGenerator load;
    private MetricsWatch watch;
    private volatile CompletableFuture<AuditReport> abortAudit;
    private long abortAuditStarted;

    Gameday(ShopNodes shop, GamedayConfig config) {
        this.shop = shop;
        this.config = config;
        this.faults = new FaultSwitch(shop);
        this.progress = new Progress(config.progress);
    }

    /** Runs every plan of {@code suite} under load and returns the report; the shop is left running and healthy. */
    GamedayReport run(Suite suite, String title, Map<String, String> extraSettings) {
        faults.requireChaos();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        load = LoadGenerator.start(LoadConfig.builder().target(shop.gatewayUrl()).rate(config.rate)
                .duration(Duration.ofHours(24)).mix(config.mix).seed(config.seed).build());
        watch = new MetricsWatch(shop, load::elapsedNanos).start();
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
        finalAudit = audit(config.finalAuditTimeout);
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
        CompletableFuture<String[]> proof = injectError != null
                ? CompletableFuture.completedFuture(new String[] {null, injectError})
                : CompletableFuture.supplyAsync(() -> prove(plan, f0, callers));

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
        Invariants invariants = audit(config.auditSettle);
        // every request intended before t1 has its answer or its timeout by now
        sleepUntil(t1 + TimeUnit.MILLISECONDS.toNanos(2_500));
        String[] proven = proof.getNow(new String[] {null, "proof still pending"});
        boolean proofHeld = proven[0] != null;

        List<Sample> samples = load.window(t0, t1).samples();
        List<RouteResult> routes = Measurement.routes(samples, f0, f1, plan.affected(), config.answerWithin);
        List<Second> timeline = Measurement.timeline(samples, t0, t1);
        double faultStart = (f0 - t0) / 1e9;
        double faultEnd = (f1 - t0) / 1e9;
        Double recover = Measurement.recovery(timeline, (int) Math.floor(faultStart), faultEnd);
        MetricsWatch.Detection d = watch.firstDetection(plan.target(), f0, t1);
        Backlog backlog = Measurement.backlog(watch.backlog(t0, t1), f0, f1);
        Verdict verdict = Judge.verdict(plan.checks(), routes, proofHeld, proofHeld ? proven[0] : proven[1], invariants, aborted);
        if (!notes.isEmpty()) {
            verdict = new Verdict(verdict.status(), verdict.reason() + " [" + String.join("; ", notes) + "]");
        }
        return new ExperimentResult(plan.name(), plan.target(), plan.fault(), faultStart, (f1 - f0) / 1e9, (t1 - t0) / 1e9,
                routes, timeline, d == null ? null : (d.at() - f0) / 1e9, d == null ? null : d.what(), recover, backlog,
                proofHeld, proofHeld ? proven[0] : proven[1], invariants, verdict);
    }

    /** Breaks what {@code f} says; returns the services whose pipelines got an in-process fault. */
    private List<String> inject(Experiment.Fault f) {
        switch (f.kind()) {
            case KILL, BROKER_DOWN -> shop.kill(f.target());
            case FREEZE -> shop.freeze(f.target());
            case LATENCY -> {
                return faults.enable(f.target(), "{\"target\":\"" + f.target() + "\",\"kind\":\"latency\",\"latencyMs\":"
                        + f.latency().toMillis() + ",\"rate\":1.0}");
            }
            case ERROR_RATE -> {
                return faults.enable(f.target(), "{\"target\":\"" + f.target() + "\",\"kind\":\"error\",\"rate\":" + f.rate() + "}");
            }
            case BLACKHOLE -> throw new IllegalArgumentException("blackhole is not supported by the game day");
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

    /** Leaves the shop whole: no fault on, nothing frozen, nothing down. */
    private void rollbackEverything() {
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

    /** Polls the plan's proofs until all hold or their time is up: {proof, null} or {null, why not}. */
    private String[] prove(Plan plan, long f0, List<String> callers) {
        List<String> shown = new ArrayList<>();
        for (Experiment.Proof p : plan.proofs()) {
            long deadline = f0 + p.within().toNanos();
            String ok = null;
            String last = "not checked";
            while (true) {
                String[] r = proofOnce(p, f0, callers);
                if (r[0] != null) {
                    ok = r[0] + String.format(Locale.ROOT, " (%.1f s after the fault started)", (load.elapsedNanos() - f0) / 1e9);
                    break;
                }
                last = r[1];
                if (load.elapsedNanos() > deadline) {
                    break;
                }
                sleepNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            if (ok == null) {
                return new String[] {null, p.kind().label() + " " + p.target() + " not seen within " + secs(p.within()) + ": " + last};
            }
            shown.add(ok);
        }
        return new String[] {String.join("; ", shown), null};
    }

    private String[] proofOnce(Experiment.Proof p, long f0, List<String> callers) {
        String t = p.target();
        switch (p.kind()) {
            case STOPS_ANSWERING -> {
                if (shop.pid(t) < 0) {
                    return new String[] {t + " process gone", null};
                }
                if ("broker".equals(t)) {
                    return shop.frozen(t) ? new String[] {"broker process stopped (state T)", null}
                            : new String[] {null, "broker still running"};
                }
                boolean frozen = shop.frozen(t);
                return answersLive(t) ? new String[] {null, t + " still answers /health/live"}
                        : new String[] {t + ": /health/live no answer within 500 ms" + (frozen ? " (process stopped, state T)" : ""), null};
            }
            case BROKER_UNREACHABLE -> {
                if (shop.pid(t) < 0 && !accepts(shop.port(t))) {
                    return new String[] {"broker: port " + shop.port(t) + " refuses connections", null};
                }
                return new String[] {null, "broker still accepts connections"};
            }
            case ANSWERS_SLOWER, ANSWERS_ERRORS -> {
                if (callers.isEmpty()) {
                    return new String[] {null, "no service has a pipeline named " + t};
                }
                long now = load.elapsedNanos();
                double before = watch.trouble(t, f0);
                double after = watch.trouble(t, now);
                if (after > before) {
                    return new String[] {String.format(Locale.ROOT, "%.0f timeouts/failures/fallbacks/rejections on the %s pipeline of %s",
                            after - before, t, String.join(", ", callers)), null};
                }
                if (p.kind() == ProofKind.ANSWERS_SLOWER) {
                    // a client without timeouts sees no failure, only slow calls: compare the mean call time
                    double[] base = watch.calls(t, f0);
                    double[] all = watch.calls(t, now);
                    double n = all[1] - base[1];
                    double mean = n > 0 ? (all[0] - base[0]) / n : 0;
                    double baseMean = base[1] > 0 ? base[0] / base[1] : 0;
                    if (n > 0 && mean >= 0.1 && mean >= 2 * baseMean) {
                        return new String[] {String.format(Locale.ROOT, "calls through the %s pipeline of %s took %.0f ms on"
                                + " average (%.0f calls; before: %.0f ms)", t, String.join(", ", callers), mean * 1000, n,
                                baseMean * 1000), null};
                    }
                }
                return new String[] {null, "the " + t + " pipelines of " + callers
                        + " show no timeout, failure, fallback, rejection or slower calls"};
            }
        }
        return new String[] {null, "unknown proof " + p.kind()};
    }

    private boolean answersLive(String service) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(shop.url(service) + "/health/live"))
                    .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
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
                    if (abortAudit == null && now - abortAuditStarted >= TimeUnit.SECONDS.toNanos(5) && auditable()) {
                        abortAuditStarted = now;
                        abortAudit = CompletableFuture.supplyAsync(() -> auditOnce(Duration.ofHours(1)), r -> {
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

    /** Polls the audit (grace from the config) until it passes or {@code limit} has passed. */
    private Invariants audit(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        AuditReport last = null;
        String error = null;
        int runs = 0;
        long t0 = System.nanoTime();
        while (true) {
            try {
                AuditReport r = auditable() ? runAudit(config.auditGrace) : null;
                if (r != null) {
                    last = r;
                    runs++;
                    error = null;
                    if (last.passed()) {
                        break;
                    }
                } else {
                    error = "order, payment or inventory is frozen or down";
                }
            } catch (SQLException e) {
                error = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            sleepNanos(TimeUnit.SECONDS.toNanos(2));
        }
        if (last == null) {
            return Invariants.notChecked(error);
        }
        String note = last.passed()
                ? (runs > 1 ? String.format(Locale.ROOT, "settled after %.0f s", (System.nanoTime() - t0) / 1e9) : "")
                : "still failing after " + secs(limit) + ": " + String.join("; ", last.violations().subList(0, Math.min(3, last.violations().size())));
        return new Invariants(true, last.lostOrders(), last.duplicateCharges(), last.violationCount(), note);
    }

    private static final List<String> AUDITED = List.of("order", "payment", "inventory");
    /** How long the recovery window may be extended while the outbox backlog drains. */
    private static final Duration MAX_DRAIN_WAIT = Duration.ofSeconds(30);
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(20);

    /** True when every service the audit reads runs and is not frozen. */
    private boolean auditable() {
        return AUDITED.stream().allMatch(s -> shop.pid(s) > 0 && !shop.frozen(s));
    }

    /** One audit, or null when it fails. */
    private AuditReport auditOnce(Duration grace) {
        try {
            return runAudit(grace);
        } catch (SQLException e) {
            return null;
        }
    }

    /** The audit on a daemon thread, given up after {@link #AUDIT_TIMEOUT} (an H2 file server that does not answer). */
    private AuditReport runAudit(Duration grace) throws SQLException {
        CompletableFuture<AuditReport> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(Audit.ofDataDir(shop.dataDir(), grace).run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "gameday-audit");
        t.setDaemon(true);
        t.start();
        try {
            return f.get(AUDIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            t.interrupt();
            throw new SQLException("the audit got no answer within " + secs(AUDIT_TIMEOUT) + " (a database server not answering)");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            throw new SQLException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
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
