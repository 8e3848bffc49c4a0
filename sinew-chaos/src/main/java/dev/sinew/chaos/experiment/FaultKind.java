package dev.sinew.chaos.experiment;

/** The faults an experiment can inject into its target. */
public enum FaultKind implements Labeled {
    /** kill -9 the target's process. */
    KILL("kill"),
    /** stop the process with SIGSTOP, resume it afterwards. */
    FREEZE("freeze"),
    /** add latency to the target's links (the broker: through the TCP fault proxy in front of it). */
    LATENCY("latency"),
    /** accept connections to the target but never answer (the broker, through the fault proxy). */
    BLACKHOLE("blackhole"),
    /** fail a share of the target's calls. */
    ERROR_RATE("error-rate"),
    /** take the message broker away. */
    BROKER_DOWN("broker-down"),
    /** reset every connection to the target, open and new ones: "connection reset" (the broker, through the fault proxy). */
    RESET("reset");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
