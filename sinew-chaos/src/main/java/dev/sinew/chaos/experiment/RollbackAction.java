package dev.sinew.chaos.experiment;

/** What a rollback step does once the method ends or is aborted. */
public enum RollbackAction implements Labeled {
    /** start the target again. */
    RESTART("restart"),
    /** resume a frozen process (SIGCONT). */
    RESUME("resume"),
    /** clear every proxy link and in-process fault on the target. */
    CLEAR_FAULTS("clear-faults");

    private final String label;

    RollbackAction(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
