package dev.sinew.console.admin;

/**
 * A refused admin request: the HTTP status, a stable error code and a message that says what to change.
 * The services' admin endpoints and the console's API (controls, incidents, game day) answer it as
 * {@code {"error": code, "message": ...}}; stackless, since a refusal is an answer, not a fault.
 */
public final class AdminException extends RuntimeException {

    private final int status;
    private final String code;

    public AdminException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static AdminException badRequest(String code, String message) {
        return new AdminException(400, code, message);
    }

    public static AdminException notFound(String message) {
        return new AdminException(404, "not_found", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
