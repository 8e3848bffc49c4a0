package dev.sinew.pipeline;

import dev.sinew.event.Events;
import dev.sinew.time.Clock;

/**
 * What a policy learns from the pipeline it is attached to.
 *
 * @param pipeline   the pipeline's name, used in events and error messages
 * @param clock      the pipeline's clock
 * @param events     the pipeline's listener slot
 * @param classifier the pipeline's default classifier, for policies that were not given their own
 */
public record PolicyContext(String pipeline, Clock clock, Events events, Classifier classifier) {
}
