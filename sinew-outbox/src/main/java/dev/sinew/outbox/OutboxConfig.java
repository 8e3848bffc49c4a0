package dev.sinew.outbox;

import java.time.Clock;

/**
 * Limits and settings of {@link Outbox#publish}. Immutable; build with {@link #builder()}.
 *
 * <p>Keys: {@code max-payload-bytes} (default 1 MiB), {@code max-headers} (default 64),
 * {@code max-header-bytes} (total UTF-8 bytes of all names and values, default 16 KiB),
 * {@code clock} (wall clock for {@code created_ms}, default UTC system clock).
 */
public final class OutboxConfig {

    /** The default payload limit, 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

    private final int maxPayloadBytes;
    private final int maxHeaders;
    private final int maxHeaderBytes;
    private final Clock clock;

    private OutboxConfig(Builder b) {
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.maxHeaders = b.maxHeaders;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static OutboxConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxPayloadBytes = maxPayloadBytes;
        b.maxHeaders = maxHeaders;
        b.maxHeaderBytes = maxHeaderBytes;
        b.clock = clock;
        return b;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public int maxHeaders() {
        return maxHeaders;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public Clock clock() {
        return clock;
    }

    /** Builds an {@link OutboxConfig}; {@link #build()} validates and names the bad key. */
    public static final class Builder {
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int maxHeaders = 64;
        private int maxHeaderBytes = 16 * 1024;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Largest payload accepted by publish ({@code max-payload-bytes}, 1 to 64 MiB). */
        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** Most headers per message ({@code max-headers}, 0 to 1000). */
        public Builder maxHeaders(int count) {
            this.maxHeaders = count;
            return this;
        }

        /** Most UTF-8 bytes of all header names and values together ({@code max-header-bytes}, 0 to 1 MiB). */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** Wall clock for the rows' creation time ({@code clock}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public OutboxConfig build() {
            ConfigChecks.intRange("max-payload-bytes", maxPayloadBytes, 1, 64 << 20);
            ConfigChecks.intRange("max-headers", maxHeaders, 0, 1000);
            ConfigChecks.intRange("max-header-bytes", maxHeaderBytes, 0, 1 << 20);
            ConfigChecks.notNull("clock", clock);
            return new OutboxConfig(this);
        }
    }
}
