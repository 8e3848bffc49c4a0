package dev.sinew.shop.gameday;

import dev.sinew.chaos.experiment.Experiment;
import dev.sinew.shop.load.Route;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One experiment ready to run on the shop: what to break, which routes may suffer, what must hold,
 * when to give up, how to undo it and how to prove it happened. Made by {@link Suite} from the
 * default matrix or from an experiment file.
 *
 * @param name     e.g. {@code payment kill}, or the file's title
 * @param target   the node the report files it under (the first fault's)
 * @param fault    the fault in words, e.g. {@code +2 s latency}
 * @param affected routes that need a broken node: they may degrade or refuse, but must answer fast
 */
record Plan(String name, String target, String fault, List<Experiment.Fault> faults, Set<Route> affected,
            List<Check> checks, List<AbortRule> aborts, List<Experiment.Rollback> rollbacks,
            List<Experiment.Proof> proofs) {

    Plan {
        faults = List.copyOf(faults);
        affected = Set.copyOf(affected);
        checks = List.copyOf(checks);
        aborts = List.copyOf(aborts);
        rollbacks = List.copyOf(rollbacks);
        proofs = List.copyOf(proofs);
    }

    /** The longest fault: how long the fault window lasts. */
    Duration faultDuration() {
        return faults.stream().map(Experiment.Fault::duration).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
