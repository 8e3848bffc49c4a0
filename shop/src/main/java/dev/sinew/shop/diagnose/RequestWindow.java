package dev.sinew.shop.diagnose;

import java.util.function.LongSupplier;

/** The service's own HTTP answers over the last minute: all, and those with status >= 500. */
public final class RequestWindow {

    private static final int ALL = 0;
    private static final int SERVER_ERRORS = 1;

    private final MinuteWindow window;

    public RequestWindow(LongSupplier clockMillis) {
        this.window = new MinuteWindow(2, clockMillis);
    }

    /** Counts one answer; allocation-free. */
    public void record(int status) {
        window.add(ALL);
        if (status >= 500) {
            window.add(SERVER_ERRORS);
        }
    }

    long all() {
        return window.sum(ALL);
    }

    long serverErrors() {
        return window.sum(SERVER_ERRORS);
    }
}
