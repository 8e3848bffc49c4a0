package dev.sinew.console.incident;

/** A refused incident operation, with the HTTP status and code the console answers. */
public final class IncidentException extends RuntimeException {

    private final int status;
    private final String code;

    public IncidentException(int status, String code, String message) {
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
