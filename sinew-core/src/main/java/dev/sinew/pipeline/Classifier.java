package dev.sinew.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Decides which outcomes of a call count as failures. By default every exception is a failure and
 * every returned value a success; a classifier can narrow the failing exceptions, ignore some
 * (neither success nor failure: not recorded by a breaker, not retried), and count some results
 * as failures, for example an HTTP response with status 503.
 */
public final class Classifier {

    /** Every exception fails, every result succeeds. */
    public static final Classifier DEFAULT = builder().build();

    private final List<Class<? extends Throwable>> failOn;
    private final List<Class<? extends Throwable>> ignore;
    private final Predicate<Throwable> failOnError;
    private final Predicate<Object> failOnResult;

    private Classifier(Builder b) {
        this.failOn = List.copyOf(b.failOn);
        this.ignore = List.copyOf(b.ignore);
        this.failOnError = b.failOnError;
        this.failOnResult = b.failOnResult;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True if {@code error} must be neither recorded nor retried. */
    public boolean isIgnored(Throwable error) {
        for (Class<? extends Throwable> c : ignore) {
            if (c.isInstance(error)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code error} counts as a failure (it is not ignored and matches the failure rules). */
    public boolean isFailure(Throwable error) {
        if (isIgnored(error)) {
            return false;
        }
        if (failOn.isEmpty() && failOnError == null) {
            return true;
        }
        for (Class<? extends Throwable> c : failOn) {
            if (c.isInstance(error)) {
                return true;
            }
        }
        return failOnError != null && failOnError.test(error);
    }

    /** True if a returned value counts as a failure. */
    public boolean isFailureResult(Object result) {
        Predicate<Object> p = failOnResult;
        return p != null && p.test(result);
    }

    /** Builds a {@link Classifier}. */
    public static final class Builder {
        private final List<Class<? extends Throwable>> failOn = new ArrayList<>();
        private final List<Class<? extends Throwable>> ignore = new ArrayList<>();
        private Predicate<Throwable> failOnError;
        private Predicate<Object> failOnResult;

        private Builder() {
        }

        /** Only exceptions of these types (and those matched by {@link #failOnError}) are failures. */
        @SafeVarargs
        public final Builder failOn(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> t : types) {
                failOn.add(requireType(t, "failOn"));
            }
            return this;
        }

        /** Exceptions matching this predicate are failures. */
        public Builder failOnError(Predicate<Throwable> predicate) {
            this.failOnError = failOnError == null ? predicate : failOnError.or(predicate);
            return this;
        }

        /** Exceptions of these types are neither successes nor failures; ignore wins over failOn. */
        @SafeVarargs
        public final Builder ignore(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> t : types) {
                ignore.add(requireType(t, "ignore"));
            }
            return this;
        }

        /** Results matching this predicate are failures (e.g. {@code r -> r.status() >= 500}). */
        @SuppressWarnings("unchecked")
        public <R> Builder failOnResult(Predicate<? super R> predicate) {
            Predicate<Object> p = r -> {
                try {
                    return ((Predicate<Object>) predicate).test(r);
                } catch (ClassCastException notThatType) {
                    return false;
                }
            };
            this.failOnResult = failOnResult == null ? p : failOnResult.or(p);
            return this;
        }

        public Classifier build() {
            return new Classifier(this);
        }

        private static Class<? extends Throwable> requireType(Class<? extends Throwable> t, String key) {
            if (t == null) {
                throw new IllegalArgumentException("classifier." + key + ": exception type must not be null");
            }
            return t;
        }
    }
}
