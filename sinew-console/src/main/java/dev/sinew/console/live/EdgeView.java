package dev.sinew.console.live;

/**
 * One call edge of the service map, caller → callee through the caller's pipeline, over the last
 * few seconds: calls per second, failed share (failures, rejections and contract errors), p99,
 * breaker state, retry budget tokens left (NaN when the pipeline has no budget), whether an
 * operator switched it off, and a health word for the colour.
 */
public record EdgeView(String caller, String callee, String pipeline, double ratePerSecond, double errorPercent,
                       double p99Ms, String breaker, double budgetRemaining, boolean switchedOff, String health) {

    /** {@code caller/pipeline}: the edge's id in history, alerts and the UI. */
    public String id() {
        return caller + "/" + pipeline;
    }
}
