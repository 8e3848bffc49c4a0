package dev.sinew.chaos.experiment;

/** How an experiment proves its fault really took effect. */
public enum ProofKind implements Labeled {
    /** the target no longer answers its health probe. */
    STOPS_ANSWERING("stops-answering"),
    /** the target's answers got slower. */
    ANSWERS_SLOWER("answers-slower"),
    /** the target's answers include errors. */
    ANSWERS_ERRORS("answers-errors"),
    /** the broker refuses connections. */
    BROKER_UNREACHABLE("broker-unreachable");

    private final String label;

    ProofKind(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
