package dev.sinew.pipeline;

import java.util.concurrent.Callable;

/**
 * The rest of a pipeline as seen from one policy: calling it runs every inner policy and then the
 * user's call. Returns the call's value, or a {@link Rejection} when an inner policy refused.
 */
@FunctionalInterface
public interface Stage {
    Object call(Callable<?> call) throws Exception;
}
