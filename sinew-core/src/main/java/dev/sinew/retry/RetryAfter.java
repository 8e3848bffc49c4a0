package dev.sinew.retry;

import java.time.Duration;

/**
 * A hint from the downstream about when to try again, such as HTTP {@code Retry-After} or a
 * gRPC {@code RetryInfo}. An exception or a result object may implement it; {@link Retry} then
 * waits at least that long before the next attempt, or gives up if the hint is longer than
 * {@code max-retry-after}.
 */
@FunctionalInterface
public interface RetryAfter {

    /** How long the downstream asked callers to wait; {@code null} when it gave no hint. */
    Duration retryAfter();
}
