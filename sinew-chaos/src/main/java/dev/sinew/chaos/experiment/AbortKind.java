package dev.sinew.chaos.experiment;

/** A hard limit that stops an experiment early and rolls it back. */
public enum AbortKind implements Labeled {
    /** success on a route fell below a share. */
    SUCCESS_BELOW("success-below"),
    /** the p99 on a route rose above a duration. */
    P99_ABOVE("p99-above"),
    /** the audit found lost or duplicated work. */
    AUDIT_FAILS("audit-fails");

    private final String label;

    AbortKind(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
