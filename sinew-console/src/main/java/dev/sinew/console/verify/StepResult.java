package dev.sinew.console.verify;

/** One probe step: its name, {@code pass} / {@code fail} / {@code skipped}, how long it took and what it saw. */
public record StepResult(String name, String status, long millis, String detail) {

    public boolean passed() {
        return "pass".equals(status);
    }
}
