package dev.sinew.fallback;

/** Produces the answer a caller gets when the downstream failed or was not called. */
@FunctionalInterface
public interface FallbackFunction<T> {
    T apply(FallbackCause cause) throws Exception;
}
