package dev.sinew.examples;

import java.util.concurrent.atomic.LongAdder;

/** Counts what callers saw: charged, degraded (fallback), failed. */
final class Tally {
    private final LongAdder ok = new LongAdder();
    private final LongAdder degraded = new LongAdder();
    private final LongAdder failed = new LongAdder();

    void record(String result) {
        switch (result) {
            case "CHARGED" -> ok.increment();
            case "PAYMENT_PENDING" -> degraded.increment();
            default -> failed.increment();
        }
    }

    long ok() {
        return ok.sum();
    }

    long degraded() {
        return degraded.sum();
    }

    long failed() {
        return failed.sum();
    }

    long total() {
        return ok() + degraded() + failed();
    }
}
