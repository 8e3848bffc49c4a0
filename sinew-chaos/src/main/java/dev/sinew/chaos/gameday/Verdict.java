package dev.sinew.chaos.gameday;

/** Whether an experiment held its hypothesis, and why (the first reason that decided it, or what held). */
public record Verdict(Status status, String reason) {

    /** PASS: the hypothesis held; FAIL: it did not; ABORTED: a hard limit stopped the fault early. */
    public enum Status { PASS, FAIL, ABORTED }

    public static Verdict pass(String reason) {
        return new Verdict(Status.PASS, reason);
    }

    public static Verdict fail(String reason) {
        return new Verdict(Status.FAIL, reason);
    }

    public static Verdict aborted(String reason) {
        return new Verdict(Status.ABORTED, reason);
    }

    public boolean passed() {
        return status == Status.PASS;
    }
}
