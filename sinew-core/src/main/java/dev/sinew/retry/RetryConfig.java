package dev.sinew.retry;

import dev.sinew.pipeline.Classifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Immutable settings of a {@link Retry} policy. Build with {@link #builder()}; change with
 * {@link #toBuilder()} and {@link Retry#reconfigure}.
 *
 * <p>Defaults: {@code max-attempts} 3 (the first attempt and two retries);
 * {@code backoff} full jitter with {@code initial-delay} 100ms and {@code max-delay} 10s (jitter
 * because retries from many callers must not arrive in waves, and full jitter because it spreads
 * them best, per the AWS analysis; the cost, an occasional immediate retry, is bounded by the
 * budget); no {@code budget} (set one per downstream!); {@code max-retry-after} 30s; retry on
 * what the classifier counts as a failure.
 */
public final class RetryConfig {

    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final Backoff DEFAULT_BACKOFF = Backoff.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(10));
    static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private static final RetryConfig DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Backoff backoff;
    private final List<Class<? extends Throwable>> retryOn;
    private final Predicate<Throwable> retryOnError;
    private final Predicate<Object> retryOnResult;
    private final Classifier classifier;
    private final RetryBudget budget;
    private final Duration maxDelay;
    private final Duration maxRetryAfter;
    private final Function<Object, Duration> retryAfter;
    private final RandomSource random;

    private RetryConfig(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.retryOn = List.copyOf(b.retryOn);
        this.retryOnError = b.retryOnError;
        this.retryOnResult = b.retryOnResult;
        this.classifier = b.classifier;
        this.budget = b.budget;
        this.maxDelay = b.maxDelay;
        this.maxRetryAfter = b.maxRetryAfter;
        this.retryAfter = b.retryAfter;
        this.random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults described in the class comment. */
    public static RetryConfig defaults() {
        return DEFAULTS;
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.backoff = backoff;
        b.retryOn.addAll(retryOn);
        b.retryOnError = retryOnError;
        b.retryOnResult = retryOnResult;
        b.classifier = classifier;
        b.budget = budget;
        b.maxDelay = maxDelay;
        b.maxRetryAfter = maxRetryAfter;
        b.retryAfter = retryAfter;
        b.random = random;
        return b;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Backoff backoff() {
        return backoff;
    }

    public List<Class<? extends Throwable>> retryOn() {
        return retryOn;
    }

    /** The exception predicate, or {@code null}. */
    public Predicate<Throwable> retryOnError() {
        return retryOnError;
    }

    /** The result predicate, or {@code null} (then the classifier decides). */
    public Predicate<Object> retryOnResult() {
        return retryOnResult;
    }

    /** The policy's own classifier, or {@code null} for the pipeline's. */
    public Classifier classifier() {
        return classifier;
    }

    /** The shared retry budget, or {@code null} when retries are unbudgeted. */
    public RetryBudget budget() {
        return budget;
    }

    /** The cap on a backoff delay, or {@code null} for none beyond the backoff's own. */
    public Duration maxDelay() {
        return maxDelay;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** The retry-after extractor, or {@code null}. */
    public Function<Object, Duration> retryAfter() {
        return retryAfter;
    }

    public RandomSource random() {
        return random;
    }

    @Override
    public String toString() {
        return "RetryConfig[max-attempts=" + maxAttempts + ", backoff=" + backoff + ", budget=" + budget
                + ", max-delay=" + Checks.format(maxDelay) + ", max-retry-after=" + Checks.format(maxRetryAfter) + "]";
    }

    /** Builds a {@link RetryConfig}. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Backoff backoff = DEFAULT_BACKOFF;
        private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();
        private Predicate<Throwable> retryOnError;
        private Predicate<Object> retryOnResult;
        private Classifier classifier;
        private RetryBudget budget;
        private Duration maxDelay;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private Function<Object, Duration> retryAfter;
        private RandomSource random = RandomSource.threadLocal();

        private Builder() {
        }

        /** Total attempts including the first, 1 to 100 ({@code max-attempts}, default 3). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The delay strategy ({@code backoff}); default full jitter 100ms..10s. */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /**
         * Retry only exceptions of these types (and those matched by {@link #retryOnError});
         * replaces the classifier's judgement for exceptions. Ignored exceptions stay unretried.
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> t : types) {
                if (t == null) {
                    throw Checks.bad("retry-on", "null", "an exception type");
                }
                retryOn.add(t);
            }
            return this;
        }

        /** Retry exceptions matching this predicate (combined with {@link #retryOn} by "or"). */
        public Builder retryOnError(Predicate<Throwable> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            this.retryOnError = retryOnError == null ? predicate : retryOnError.or(predicate);
            return this;
        }

        /**
         * Retry results matching this predicate, e.g. {@code (Response r) -> r.status() == 503};
         * results of another type do not match. Replaces the classifier's result judgement.
         */
        @SuppressWarnings("unchecked")
        public <R> Builder retryOnResult(Predicate<? super R> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            Predicate<Object> p = r -> {
                try {
                    return ((Predicate<Object>) predicate).test(r);
                } catch (ClassCastException notThatType) {
                    return false;
                }
            };
            this.retryOnResult = retryOnResult == null ? p : retryOnResult.or(p);
            return this;
        }

        /** The classifier deciding what failed; default: the pipeline's. */
        public Builder classifier(Classifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /** The retry budget shared per downstream ({@code budget}); {@code null} = unbudgeted. */
        public Builder budget(RetryBudget budget) {
            this.budget = budget;
            return this;
        }

        /** A cap on each backoff delay ({@code max-delay}); {@code null} = only the backoff's own cap. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
            return this;
        }

        /**
         * The longest retry-after hint worth waiting for ({@code max-retry-after}, default 30s);
         * a longer hint ends the retries at once instead of waiting.
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /**
         * Extracts a retry-after hint from a failure (the exception or the failing result);
         * return {@code null} for none. Consulted before the {@link RetryAfter} interface.
         */
        public Builder retryAfter(Function<Object, Duration> extractor) {
            this.retryAfter = extractor;
            return this;
        }

        /** The randomness for jittered backoffs; default {@link RandomSource#threadLocal()}. */
        public Builder random(RandomSource random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Validates and builds; a bad value fails naming its key, the value and what is allowed. */
        public RetryConfig build() {
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw Checks.bad("max-attempts", maxAttempts, "an integer from 1 to 100");
            }
            if (backoff == null) {
                throw Checks.bad("backoff", "null", "a backoff strategy (none, fixed, exponential, full-jitter, decorrelated-jitter)");
            }
            if (maxDelay != null) {
                Checks.duration("max-delay", maxDelay, true);
            }
            Checks.duration("max-retry-after", maxRetryAfter, false);
            return new RetryConfig(this);
        }
    }
}
