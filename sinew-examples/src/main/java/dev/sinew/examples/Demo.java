package dev.sinew.examples;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.config.SinewRegistry;
import dev.sinew.fallback.Fallback;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.RetryBudget;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./sinew demo}: steady calls to a downstream that is healthy, then half failing, then
 * hanging, then healthy again, through a Sinew pipeline. Prints each second what callers saw and
 * how much load reached the downstream, and ends with a verdict per phase.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sinew demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        List<PhaseReport> reports = run(options, System.out);
        boolean ready = reports.stream().allMatch(PhaseReport::passed);
        System.exit(ready ? 0 : 1);
    }

    /** Runs the demo and returns one report per phase. */
    public static List<PhaseReport> run(DemoOptions options, PrintStream out) throws InterruptedException {
        FlakyDownstream downstream = new FlakyDownstream();
        SinewRegistry registry = SinewRegistry.of(Map.of(
                "sinew.pipeline.payment.timeout.duration", "100ms",
                "sinew.pipeline.payment.retry.max-attempts", "3",
                "sinew.pipeline.payment.retry.initial-delay", "10ms",
                "sinew.pipeline.payment.breaker.window-size", "50",
                "sinew.pipeline.payment.breaker.minimum-calls", "20",
                "sinew.pipeline.payment.breaker.open-duration", "1s",
                "sinew.pipeline.payment.bulkhead.max-concurrent", "32"));
        Pipeline payment = registry.pipeline("payment", Fallback.of(cause -> "PAYMENT_PENDING"));
        CircuitBreaker breaker = payment.policy(CircuitBreaker.class).orElseThrow();
        RetryBudget budget = registry.budget("payment");

        List<Phase> phases = List.of(
                new Phase("healthy", FlakyDownstream.Mode.HEALTHY),
                new Phase("50% errors", FlakyDownstream.Mode.HALF_FAILING),
                new Phase("hanging", FlakyDownstream.Mode.HANGING),
                new Phase("recovered", FlakyDownstream.Mode.HEALTHY));
        out.printf("sinew demo: %d calls/s for %d s per phase, phases: healthy, 50%% errors, hanging, recovered%n",
                options.rate(), options.secondsPerPhase());
        out.println("pipeline payment: fallback > retry(3, budget 20%) > breaker > bulkhead(32) > timeout(100ms)");

        ExecutorService callers = Executors.newFixedThreadPool(64);
        List<PhaseReport> reports = new ArrayList<>();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / options.rate();
        try {
            for (Phase phase : phases) {
                downstream.mode(phase.mode());
                Tally tally = new Tally();
                long attemptsBefore = downstream.attempts();
                for (int second = 0; second < options.secondsPerPhase(); second++) {
                    long start = System.nanoTime();
                    Tally secondTally = new Tally();
                    long attemptsAtStart = downstream.attempts();
                    for (int i = 0; i < options.rate(); i++) {
                        long due = start + i * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        callers.execute(() -> {
                            String r;
                            try {
                                r = payment.call(downstream::charge);
                            } catch (Exception e) {
                                r = "FAILED";
                            }
                            tally.record(r);
                            secondTally.record(r);
                        });
                    }
                    long rest = start + TimeUnit.SECONDS.toNanos(1) - System.nanoTime();
                    if (rest > 0) {
                        TimeUnit.NANOSECONDS.sleep(rest);
                    }
                    out.printf("%-11s t=%2ds  calls %4d  ok %4d  degraded %4d  failed %3d  downstream attempts %4d  breaker %-9s budget %d%n",
                            phase.name(), second + 1, secondTally.total(), secondTally.ok(), secondTally.degraded(),
                            secondTally.failed(), downstream.attempts() - attemptsAtStart, breaker.state(), budget.remaining());
                }
                PhaseReport report = new PhaseReport(phase.name(), tally.total(), tally.ok(), tally.degraded(),
                        tally.failed(), downstream.attempts() - attemptsBefore);
                reports.add(report);
            }
        } finally {
            callers.shutdownNow();
            downstream.mode(FlakyDownstream.Mode.HEALTHY);
        }
        out.println();
        out.println("phase        calls     ok  degraded  failed  load on downstream  verdict");
        for (PhaseReport r : reports) {
            out.printf("%-11s %6d %6d %9d %7d %18.2fx  %s%n", r.phase(), r.calls(), r.ok(), r.degraded(), r.failed(),
                    r.amplification(), r.passed() ? "ok: callers never saw an error" : "NOT READY: callers saw errors");
        }
        return reports;
    }

    private record Phase(String name, FlakyDownstream.Mode mode) {
    }
}
