package dev.sinew.bench.outbox;

import dev.sinew.outbox.OutboxMessage;
import dev.sinew.outbox.Transport;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Wraps the Kafka transport and measures how long the relay spends inside {@code send} (the
 * producer waiting for acks=all), so the rest of the relay's time is its database work.
 */
final class TimedTransport implements Transport {

    private final Transport delegate;
    final AtomicLong sendNanos = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong messages = new AtomicLong();

    private final Consumer<List<OutboxMessage>> afterSend;

    TimedTransport(Transport delegate) {
        this(delegate, batch -> { });
    }

    /** {@code afterSend} sees every batch right after the broker acknowledged all of it. */
    TimedTransport(Transport delegate, Consumer<List<OutboxMessage>> afterSend) {
        this.delegate = delegate;
        this.afterSend = afterSend;
    }

    @Override
    public void send(List<OutboxMessage> batch) throws Exception {
        long t0 = System.nanoTime();
        try {
            delegate.send(batch);
        } finally {
            sendNanos.addAndGet(System.nanoTime() - t0);
        }
        afterSend.accept(batch);
        batches.incrementAndGet();
        messages.addAndGet(batch.size());
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } catch (Exception e) {
            System.err.println("closing transport: " + e);
        }
    }
}
