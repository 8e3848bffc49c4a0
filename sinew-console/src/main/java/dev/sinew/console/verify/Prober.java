package dev.sinew.console.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the named probe steps in order, timing each; after the first failure the rest are
 * {@code skipped} (they depend on it). One run at a time: a second caller waits for the lock and
 * runs its own. Keeps the last result.
 */
public final class Prober {

    private final Map<String, ProbeStep> steps;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Verification last;

    /** {@code steps}: step name → step, in run order. */
    public Prober(Map<String, ProbeStep> steps) {
        this.steps = new LinkedHashMap<>(Objects.requireNonNull(steps, "steps"));
    }

    public List<String> stepNames() {
        return List.copyOf(steps.keySet());
    }

    public Verification run() {
        running.lock();
        try {
            long t0 = System.currentTimeMillis();
            Map<String, Object> state = new LinkedHashMap<>();
            List<StepResult> results = new ArrayList<>();
            boolean ok = true;
            for (Map.Entry<String, ProbeStep> e : steps.entrySet()) {
                if (!ok) {
                    results.add(new StepResult(e.getKey(), "skipped", 0, "an earlier step failed"));
                    continue;
                }
                long s = System.nanoTime();
                try {
                    String detail = e.getValue().run(state);
                    results.add(new StepResult(e.getKey(), "pass", (System.nanoTime() - s) / 1_000_000, detail));
                } catch (Exception ex) {
                    if (ex instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    ok = false;
                    String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                    results.add(new StepResult(e.getKey(), "fail", (System.nanoTime() - s) / 1_000_000, msg));
                }
            }
            Verification v = new Verification("v-" + UUID.randomUUID().toString().substring(0, 8), t0,
                    System.currentTimeMillis(), ok, results);
            last = v;
            return v;
        } finally {
            running.unlock();
        }
    }

    /** The last run, or null. */
    public Verification last() {
        return last;
    }
}
