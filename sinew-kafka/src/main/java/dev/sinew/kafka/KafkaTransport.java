package dev.sinew.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sinew.outbox.OutboxMessage;
import dev.sinew.outbox.Transport;

/**
 * Sends outbox messages to Kafka with an idempotent, {@code acks=all} producer: the record key is
 * the message key (same key → same partition → same order), and the headers carry
 * {@value #MESSAGE_ID_HEADER} plus every application header of the message (trace context such as
 * {@code traceparent} passes through unchanged).
 *
 * <p>{@link #send} hands the whole batch to the producer, then waits for every acknowledgement and
 * throws if any record failed, naming its topic and message id. It never waits longer than
 * {@link KafkaTransportConfig#sendBound()}, so a dead broker makes it fail in bounded time. After a
 * failure the producer is closed and a fresh one is created on the next send, so no half-failed
 * producer state (sequence numbers, epochs) leaks into the retry; the relay resends the whole
 * batch and consumers deduplicate by message id.
 */
public final class KafkaTransport implements Transport {

    /** The header that carries the outbox message id; the inbox deduplicates on it. */
    public static final String MESSAGE_ID_HEADER = "sinew-message-id";

    private static final Logger log = LoggerFactory.getLogger(KafkaTransport.class);

    private final KafkaTransportConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Producer<String, byte[]> producer;
    private volatile boolean closed;

    private KafkaTransport(KafkaTransportConfig config) {
        this.config = config;
    }

    /** A transport for these settings; the producer connects lazily on the first send. */
    public static KafkaTransport create(KafkaTransportConfig config) {
        return new KafkaTransport(java.util.Objects.requireNonNull(config, "config"));
    }

    public KafkaTransportConfig config() {
        return config;
    }

    @Override
    public void send(List<OutboxMessage> batch) throws KafkaSendException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        Producer<String, byte[]> p = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        long deadline = System.nanoTime() + config.sendBound().toNanos();
        for (OutboxMessage m : batch) {
            Future<RecordMetadata> ack;
            try {
                ack = p.send(toRecord(m));
            } catch (RuntimeException e) {
                // record too large, producer closed, ...
                throw failed(p, m, e, batch.size());
            }
            if (ack.isDone()) {
                // Failed inside send (metadata not available within max-block, ...): this record got no
                // sequence number, so a later record of its key handed over now could be written before
                // it. Stop here; the relay resends the whole batch, in order.
                try {
                    ack.get();
                } catch (ExecutionException e) {
                    throw failed(p, m, e.getCause() != null ? e.getCause() : e, batch.size());
                }
            }
            acks.add(ack);
        }
        // the batch is complete: send what linger.ms would otherwise hold back (bounded by delivery-timeout)
        p.flush();
        for (int i = 0; i < acks.size(); i++) {
            OutboxMessage m = batch.get(i);
            try {
                long left = deadline - System.nanoTime();
                acks.get(i).get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw failed(p, m, e.getCause() != null ? e.getCause() : e, batch.size());
            } catch (TimeoutException e) {
                throw failed(p, m, new TimeoutException("no acknowledgement within " + config.sendBound()), batch.size());
            } catch (InterruptedException e) {
                reset(p);
                throw e;
            }
        }
    }

    /** Closes the producer, waiting at most a few seconds for records still in flight. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            Producer<String, byte[]> p = producer;
            producer = null;
            if (p != null) {
                p.close(Duration.ofSeconds(5));
            }
        } finally {
            lock.unlock();
        }
    }

    static ProducerRecord<String, byte[]> toRecord(OutboxMessage m) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MESSAGE_ID_HEADER, m.messageId().getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> h : m.headers().entrySet()) {
            if (!MESSAGE_ID_HEADER.equals(h.getKey())) {
                headers.add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return new ProducerRecord<>(m.topic(), null, m.key(), m.payload(), headers);
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> p = producer;
        if (p != null) {
            return p;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("KafkaTransport " + config.clientId() + " is closed");
            }
            p = producer;
            if (p == null) {
                p = new KafkaProducer<>(config.producerProperties());
                producer = p;
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    private KafkaSendException failed(Producer<String, byte[]> p, OutboxMessage m, Throwable cause, int batchSize) {
        reset(p);
        String msg = "Kafka send failed for message " + m.messageId() + " to topic " + m.topic()
                + (m.key() != null ? " (key " + m.key() + ")" : "") + " in a batch of " + batchSize
                + " via " + config.bootstrapServers() + ": " + cause;
        log.debug(msg);
        return new KafkaSendException(msg, m.topic(), m.messageId(), cause);
    }

    private void reset(Producer<String, byte[]> p) {
        lock.lock();
        try {
            if (producer == p) {
                producer = null;
            }
        } finally {
            lock.unlock();
        }
        try {
            p.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing a failed producer: {}", e.toString());
        }
    }
}
