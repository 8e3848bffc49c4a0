package dev.sinew.console.control;

/** A control that could not be applied: the status and code the console answers, and why. */
public final class ControlException extends RuntimeException {

    private final int status;
    private final String code;

    public ControlException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
