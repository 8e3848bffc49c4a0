package dev.sinew.pipeline;

import java.util.Objects;
import java.util.function.Function;

/**
 * The result of {@link Pipeline#tryCall}: a value, a failure, or a rejection, as a value rather
 * than an exception. Rejection outcomes are preallocated, so a refused call allocates nothing.
 */
public final class Outcome<T> {

    private static final byte SUCCESS = 0;
    private static final byte FAILURE = 1;
    private static final byte REJECTED = 2;

    private final byte kind;
    private final T value;
    private final Throwable error;

    private Outcome(byte kind, T value, Throwable error) {
        this.kind = kind;
        this.value = value;
        this.error = error;
    }

    public static <T> Outcome<T> success(T value) {
        return new Outcome<>(SUCCESS, value, null);
    }

    public static <T> Outcome<T> failure(Throwable error) {
        return new Outcome<>(FAILURE, null, Objects.requireNonNull(error, "error"));
    }

    static <T> Outcome<T> rejected(RejectedException rejection) {
        return new Outcome<>(REJECTED, null, rejection);
    }

    /** The call ran and returned a value (which may still be one the classifier counts as failed). */
    public boolean isSuccess() {
        return kind == SUCCESS;
    }

    /** The call ran and threw. */
    public boolean isFailure() {
        return kind == FAILURE;
    }

    /** A policy refused the call; see {@link #rejection()}. */
    public boolean isRejected() {
        return kind == REJECTED;
    }

    /** The value of a successful call; {@code null} otherwise. */
    public T value() {
        return value;
    }

    /** The exception of a failed call, or the rejection of a refused one; {@code null} on success. */
    public Throwable error() {
        return error;
    }

    /** The rejection of a refused call; {@code null} otherwise. */
    public RejectedException rejection() {
        return kind == REJECTED ? (RejectedException) error : null;
    }

    /** The value, or {@code other} when the call failed or was refused. */
    public T orElse(T other) {
        return kind == SUCCESS ? value : other;
    }

    /** The value, or {@code recover} applied to the failure or rejection. */
    public T orElseGet(Function<Throwable, ? extends T> recover) {
        return kind == SUCCESS ? value : recover.apply(error);
    }

    /** The value; rethrows the failure or the rejection unchanged. */
    public T getOrThrow() throws Exception {
        if (kind == SUCCESS) {
            return value;
        }
        if (error instanceof Exception e) {
            throw e;
        }
        throw (Error) error;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SUCCESS -> "Outcome.success(" + value + ")";
            case FAILURE -> "Outcome.failure(" + error + ")";
            default -> "Outcome.rejected(" + error.getMessage() + ")";
        };
    }
}
