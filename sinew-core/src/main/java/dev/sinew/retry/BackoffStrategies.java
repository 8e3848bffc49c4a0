package dev.sinew.retry;

/** The built-in {@link Backoff} strategies. All arithmetic saturates instead of overflowing. */
final class BackoffStrategies {

    private BackoffStrategies() {
    }

    static final class None implements Backoff {
        static final None INSTANCE = new None();

        @Override
        public long delayNanos(int retry, long previousDelayNanos, RandomSource random) {
            return 0L;
        }

        @Override
        public String toString() {
            return "Backoff.none()";
        }
    }

    static final class Fixed implements Backoff {
        private final long delay;

        Fixed(long delay) {
            this.delay = delay;
        }

        @Override
        public long delayNanos(int retry, long previousDelayNanos, RandomSource random) {
            return delay;
        }

        @Override
        public String toString() {
            return "Backoff.fixed(" + Checks.formatNanos(delay) + ")";
        }
    }

    static final class Exponential implements Backoff {
        private final long initial;
        private final double multiplier;
        private final long max;

        Exponential(long initial, double multiplier, long max) {
            this.initial = initial;
            this.multiplier = multiplier;
            this.max = max;
        }

        @Override
        public long delayNanos(int retry, long previousDelayNanos, RandomSource random) {
            double d = initial * Math.pow(multiplier, Math.max(0, retry - 1));
            return d >= max ? max : (long) d;
        }

        @Override
        public String toString() {
            return "Backoff.exponential(" + Checks.formatNanos(initial) + ", " + multiplier + ", "
                    + Checks.formatNanos(max) + ")";
        }
    }

    static final class FullJitter implements Backoff {
        private final long base;
        private final long cap;

        FullJitter(long base, long cap) {
            this.base = base;
            this.cap = cap;
        }

        @Override
        public long delayNanos(int retry, long previousDelayNanos, RandomSource random) {
            int shift = Math.max(0, retry - 1);
            long ceiling = shift >= 62 || base > (cap >> shift) ? cap : base << shift;
            return random.nextLong(ceiling + 1);
        }

        @Override
        public String toString() {
            return "Backoff.fullJitter(" + Checks.formatNanos(base) + ", " + Checks.formatNanos(cap) + ")";
        }
    }

    static final class DecorrelatedJitter implements Backoff {
        private final long base;
        private final long cap;

        DecorrelatedJitter(long base, long cap) {
            this.base = base;
            this.cap = cap;
        }

        @Override
        public long delayNanos(int retry, long previousDelayNanos, RandomSource random) {
            long previous = previousDelayNanos <= 0 ? base : previousDelayNanos;
            long high = previous > Long.MAX_VALUE / 8 ? Long.MAX_VALUE / 8 : previous * 3;
            if (high <= base) {
                return Math.min(cap, base);
            }
            long d = base + random.nextLong(high - base + 1);
            return Math.min(cap, d);
        }

        @Override
        public String toString() {
            return "Backoff.decorrelatedJitter(" + Checks.formatNanos(base) + ", " + Checks.formatNanos(cap) + ")";
        }
    }
}
