package dev.sinew.console.verify;

import java.util.List;

/** One run of the synthetic end-to-end probes: passed when every step passed. */
public record Verification(String id, long startedMillis, long finishedMillis, boolean passed, List<StepResult> steps) {

    public Verification {
        steps = List.copyOf(steps);
    }
}
