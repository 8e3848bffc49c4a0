package dev.sinew.console.admin;

/**
 * Read-only mode for writes an operator wants to stop (order placement during an incident): while
 * on, those writes are answered 503 with {@code Retry-After} and reads keep working. The HTTP layer
 * asks {@link #refuses()} per write request (one volatile read).
 */
public final class ReadOnlyMode {

    /** The state: on or off, and the Retry-After (seconds) a refused write gets. */
    public record State(boolean on, int retryAfterSeconds) {
    }

    private volatile State state = new State(false, 5);

    /** Switches read-only mode; {@code retryAfterSeconds} from 1 to 3600. */
    public void set(boolean on, int retryAfterSeconds) {
        if (retryAfterSeconds < 1 || retryAfterSeconds > 3600) {
            throw AdminException.badRequest("invalid_retry_after",
                    "retryAfterSeconds: " + retryAfterSeconds + " is not valid; expected 1 to 3600");
        }
        state = new State(on, retryAfterSeconds);
    }

    public boolean refuses() {
        return state.on();
    }

    public State state() {
        return state;
    }
}
