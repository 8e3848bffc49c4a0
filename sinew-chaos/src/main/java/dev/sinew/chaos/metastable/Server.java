package dev.sinew.chaos.metastable;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A server of fixed capacity: one request at a time, each taking {@code 1/capacity} s, from a
 * bounded FIFO queue. A full queue refuses at once ({@link Busy}). A request whose client already
 * gave up is still served in full: that wasted work is what lets an overload outlive its trigger.
 * While frozen (the trigger) it accepts into the queue but serves nothing, like a stalled process.
 */
final class Server {

    /** The immediate refusal of a full queue (a 503 from the load balancer); stackless. */
    static final class Busy extends RuntimeException {
        static final Busy INSTANCE = new Busy();

        private Busy() {
            super("queue full", null, false, false);
        }
    }

    private final SimClock clock;
    private final long serviceNanos;
    private final int queueLimit;
    private final ArrayDeque<CompletableFuture<String>> queue = new ArrayDeque<>();
    private final Recorder recorder;
    private boolean frozen;
    private boolean busy;

    Server(SimClock clock, int capacityPerSecond, int queueLimit, Recorder recorder) {
        this.clock = clock;
        this.serviceNanos = 1_000_000_000L / capacityPerSecond;
        this.queueLimit = queueLimit;
        this.recorder = recorder;
    }

    /** One attempt arriving over the network; completes when served, or at once when refused. */
    CompletionStage<String> handle() {
        recorder.attempt(clock.nanoTime());
        if (queue.size() >= queueLimit) {
            recorder.refused(clock.nanoTime());
            return CompletableFuture.failedFuture(Busy.INSTANCE);
        }
        CompletableFuture<String> f = new CompletableFuture<>();
        queue.add(f);
        startNext();
        return f;
    }

    /** Starts (true) or ends (false) the outage. The request being served when it starts finishes. */
    void freeze(boolean on) {
        frozen = on;
        startNext();
    }

    int queued() {
        return queue.size();
    }

    private void startNext() {
        if (busy || frozen || queue.isEmpty()) {
            return;
        }
        busy = true;
        CompletableFuture<String> f = queue.poll();
        clock.schedule(() -> {
            busy = false;
            // a cancelled future means the client timed out: the work was done for nobody
            recorder.served(clock.nanoTime(), f.isDone());
            f.complete("ok");
            startNext();
        }, serviceNanos);
    }
}
