package dev.sinew.examples;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** A simulated payment service whose behaviour can be switched while it is being called. */
final class FlakyDownstream {

    enum Mode { HEALTHY, HALF_FAILING, HANGING }

    private final AtomicLong attempts = new AtomicLong();
    private volatile Mode mode = Mode.HEALTHY;
    private final CountDownLatch never = new CountDownLatch(1);

    void mode(Mode mode) {
        this.mode = mode;
    }

    long attempts() {
        return attempts.get();
    }

    String charge() throws IOException, InterruptedException {
        long attempt = attempts.incrementAndGet();
        switch (mode) {
            case HALF_FAILING -> {
                // every other attempt, not a coin toss: exactly half fail, so a run is repeatable
                if ((attempt & 1) == 0) {
                    throw new IOException("payment: 503 Service Unavailable");
                }
            }
            case HANGING -> never.await();
            default -> {
            }
        }
        return "CHARGED";
    }
}
