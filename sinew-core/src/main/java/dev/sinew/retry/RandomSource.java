package dev.sinew.retry;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where jittered backoffs get their randomness. Production code uses {@link #threadLocal()};
 * tests inject {@link #seeded(long)} (or a lambda) to make delays reproducible.
 */
@FunctionalInterface
public interface RandomSource {

    /** A uniformly distributed value in {@code [0, bound)}; {@code bound} is positive. */
    long nextLong(long bound);

    /** Randomness from {@link ThreadLocalRandom}: no contention, no allocation. The default. */
    static RandomSource threadLocal() {
        return bound -> ThreadLocalRandom.current().nextLong(bound);
    }

    /** A reproducible, thread-safe source backed by {@link Random} with the given seed; for tests. */
    static RandomSource seeded(long seed) {
        Random random = new Random(seed);
        return bound -> random.nextLong(bound);
    }
}
