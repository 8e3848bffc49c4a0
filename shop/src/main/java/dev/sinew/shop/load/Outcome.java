package dev.sinew.shop.load;

/** How one request ended, from the user's point of view. */
public enum Outcome {
    /** 2xx, no degradation. */
    OK,
    /** 2xx with {@code X-Sinew-Degraded} (fallback, stale data, payment pending): the user was served, with less. */
    DEGRADED,
    /** 503 or 429: refused at once and said why (Retry-After). Not served, but not hung either. */
    REJECTED,
    /** Anything else: another status, a connection error, or no answer within the request timeout. */
    FAILED
}
