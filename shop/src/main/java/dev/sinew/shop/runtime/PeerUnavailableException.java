package dev.sinew.shop.runtime;

import dev.sinew.retry.RetryAfter;
import java.io.IOException;
import java.time.Duration;

/** A peer answered 5xx (optionally with Retry-After): counted as a failure by the pipeline. */
public final class PeerUnavailableException extends IOException implements RetryAfter {

    private final int status;
    private final transient Duration retryAfter;

    public PeerUnavailableException(String peer, int status, Duration retryAfter, String body) {
        super(peer + " answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body)));
        this.status = status;
        this.retryAfter = retryAfter;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    public int status() {
        return status;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
