package dev.sinew.chaos.gameday;

/**
 * The queue behind the fault: unsent outbox rows (summed over the services with an outbox).
 *
 * @param peak         the most rows waiting at once from the fault's start to the experiment's end
 * @param drainSeconds from the fault's end until the backlog was back to its baseline level;
 *                     null when it never grew or did not drain within the experiment
 * @param drained      false when it was still above its baseline level when the experiment ended
 */
public record Backlog(long baseline, long peak, Double drainSeconds, boolean drained) {
}
