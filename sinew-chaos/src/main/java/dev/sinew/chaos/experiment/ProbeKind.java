package dev.sinew.chaos.experiment;

/** What a steady-state probe measures. */
public enum ProbeKind implements Labeled {
    /** the share of successful (or properly degraded) answers on a route. */
    SUCCESS("success"),
    /** the 99th percentile latency on a route. */
    P99("p99"),
    /** the end-to-end audit: no lost orders, no duplicate charges. */
    AUDIT("audit");

    private final String label;

    ProbeKind(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
