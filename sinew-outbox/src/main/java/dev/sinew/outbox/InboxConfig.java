package dev.sinew.outbox;

import dev.sinew.retry.RandomSource;
import dev.sinew.time.Clock;
import java.time.Duration;

/**
 * Settings of an {@link Inbox}. Keys: {@code consumer} (required, 1 to 200 characters; the name under
 * which message ids are recorded), {@code max-attempts} (default 5, 1 to 1000), {@code backoff-initial}
 * / {@code backoff-max} (defaults 100ms / 10s, decorrelated jitter between handler attempts),
 * {@code clock} (sinew Clock used to wait; TestClock in tests), {@code random} (jitter source).
 */
public final class InboxConfig {

    private final String consumer;
    private final int maxAttempts;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Clock clock;
    private final RandomSource random;

    private InboxConfig(Builder b) {
        consumer = b.consumer;
        maxAttempts = b.maxAttempts;
        backoffInitial = b.backoffInitial;
        backoffMax = b.backoffMax;
        clock = b.clock;
        random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.consumer = consumer;
        b.maxAttempts = maxAttempts;
        b.backoffInitial = backoffInitial;
        b.backoffMax = backoffMax;
        b.clock = clock;
        b.random = random;
        return b;
    }

    public String consumer() {
        return consumer;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration backoffInitial() {
        return backoffInitial;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    public Clock clock() {
        return clock;
    }

    public RandomSource random() {
        return random;
    }

    /** Builds an {@link InboxConfig}. */
    public static final class Builder {
        private String consumer;
        private int maxAttempts = 5;
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(10);
        private Clock clock = Clock.system();
        private RandomSource random = RandomSource.threadLocal();

        private Builder() {
        }

        /** The consumer's name ({@code consumer}); each consumer processes each message once. */
        public Builder consumer(String name) {
            this.consumer = name;
            return this;
        }

        /** Handler attempts before dead-lettering ({@code max-attempts}). */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** Backoff between attempts ({@code backoff-initial}, {@code backoff-max}). */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** Clock used to wait between attempts ({@code clock}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Randomness for jitter ({@code random}). */
        public Builder random(RandomSource random) {
            this.random = random;
            return this;
        }

        public InboxConfig build() {
            if (consumer == null || consumer.isBlank() || consumer.length() > 200) {
                throw ConfigChecks.bad("consumer", consumer == null ? "null" : "'" + consumer + "'",
                        "a name of 1 to 200 characters");
            }
            ConfigChecks.intRange("max-attempts", maxAttempts, 1, 1000);
            ConfigChecks.positive("backoff-initial", backoffInitial);
            ConfigChecks.positive("backoff-max", backoffMax);
            if (backoffMax.compareTo(backoffInitial) < 0) {
                throw ConfigChecks.bad("backoff-max", backoffMax, "at least backoff-initial (" + backoffInitial + ")");
            }
            ConfigChecks.notNull("clock", clock);
            ConfigChecks.notNull("random", random);
            return new InboxConfig(this);
        }
    }
}
