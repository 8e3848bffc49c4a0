package dev.sinew.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sinew.outbox.IncomingMessage;
import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxResult;
import dev.sinew.outbox.MessageHandler;

/**
 * A Kafka consumer loop that feeds an {@link Inbox}: exactly-once processing on at-least-once delivery.
 *
 * <p>On its own thread it polls the subscribed topics and, partition by partition in offset order,
 * hands the partition's records to {@link Inbox#processAll}, which runs the handler and records the
 * message ids in one database transaction (falling back to one transaction per message if any of
 * them fails; a redelivered message is a duplicate and skipped; a message that keeps failing becomes
 * a dead letter). The offsets are committed ({@code commitSync}, once per poll) only after {@code processAll}
 * returned — every record processed, duplicate or dead-lettered. If it throws (the
 * database is unusable) nothing more is committed: the loop seeks back to the first unsettled record
 * of every partition in the batch, backs off (jittered, doubling up to {@code backoff-max}) and
 * tries again. A crash at any point therefore redelivers at most the records since the last commit,
 * and the inbox skips those already processed.
 *
 * <p>The message id comes from the {@value KafkaTransport#MESSAGE_ID_HEADER} header; a record without
 * it gets {@code topic-partition-offset} as id (logged as a warning), which is stable across
 * redeliveries of that record. When partitions are revoked in a rebalance, what is settled is
 * committed first. Every {@code redrive-interval} the loop runs {@link Inbox#redriveRequested}, so
 * dead letters marked for redrive are delivered again. {@link #close()} wakes the loop, commits what
 * is settled and leaves the group.
 */
public final class KafkaInboxConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaInboxConsumer.class);

    private final Inbox inbox;
    private final MessageHandler handler;
    private final KafkaInboxConsumerConfig config;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong redriven = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean running = true;
    private volatile int failures;
    private long nextRedriveNanos;

    private KafkaInboxConsumer(Inbox inbox, MessageHandler handler, KafkaInboxConsumerConfig config) {
        this.inbox = inbox;
        this.handler = handler;
        this.config = config;
        this.consumer = new KafkaConsumer<>(config.consumerProperties());
        this.thread = new Thread(this::run, "sinew-kafka-consumer-" + config.groupId());
        this.thread.setDaemon(true);
    }

    /** Subscribes and starts the loop thread. Configuration errors of the Kafka client surface here. */
    public static KafkaInboxConsumer start(Inbox inbox, MessageHandler handler, KafkaInboxConsumerConfig config) {
        KafkaInboxConsumer c = new KafkaInboxConsumer(Objects.requireNonNull(inbox, "inbox"),
                Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(config, "config"));
        c.thread.start();
        log.info("Kafka inbox consumer {} started on {} (group {}, inbox consumer {})", config.clientId(),
                config.topics(), config.groupId(), inbox.config().consumer());
        return c;
    }

    public KafkaInboxConsumerConfig config() {
        return config;
    }

    /** Records whose handler ran and committed. */
    public long processedCount() {
        return processed.get();
    }

    /** Records skipped because the inbox had already seen their message id. */
    public long duplicateCount() {
        return duplicates.get();
    }

    /** Records that became dead letters. */
    public long deadLetteredCount() {
        return deadLettered.get();
    }

    /** Dead letters delivered again by the periodic redrive. */
    public long redrivenCount() {
        return redriven.get();
    }

    /** Successful offset commits. */
    public long commitCount() {
        return commits.get();
    }

    /** True while the inbox's database is failing and the loop is backing off. */
    public boolean failing() {
        return failures > 0;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Stops the loop: the record in hand is finished, settled offsets are committed and the consumer
     * leaves its group. If the loop does not stop within {@code close-timeout} it is interrupted.
     */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        LockSupport.unpark(thread);
        try {
            thread.join(config.closeTimeout().toMillis());
            if (thread.isAlive()) {
                log.warn("Kafka inbox consumer {} did not stop within {}; interrupting it", config.clientId(), config.closeTimeout());
                thread.interrupt();
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------

    private void run() {
        try {
            consumer.subscribe(config.topics(), new Rebalance());
            nextRedriveNanos = System.nanoTime() + config.redriveInterval().toNanos();
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> records = consumer.poll(config.pollTimeout());
                    if (!records.isEmpty()) {
                        handle(records);
                    }
                    maybeRedrive();
                } catch (WakeupException e) {
                    // close() asked us to stop; the loop condition ends it
                } catch (InterruptedException | InterruptException e) {
                    break;
                } catch (KafkaException e) {
                    log.warn("Kafka inbox consumer {}: {}", config.clientId(), e.toString());
                    backoff();
                }
            }
        } catch (RuntimeException e) {
            log.error("Kafka inbox consumer {} stopped by an unexpected error", config.clientId(), e);
        } finally {
            try {
                commitSettled();
            } catch (RuntimeException e) {
                log.warn("Kafka inbox consumer {}: final commit failed: {}", config.clientId(), e.toString());
            }
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.warn("Kafka inbox consumer {}: close failed: {}", config.clientId(), e.toString());
            }
            log.info("Kafka inbox consumer {} stopped (processed {}, duplicates {}, dead letters {})", config.clientId(),
                    processed.get(), duplicates.get(), deadLettered.get());
        }
    }

    private void handle(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        // the first unsettled offset of each partition in this batch: where to seek back to if anything fails
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            next.put(tp, records.records(tp).get(0).offset());
        }
        try {
            for (TopicPartition tp : records.partitions()) {
                // one partition's records in one inbox transaction (one commit), in offset order
                List<ConsumerRecord<String, byte[]>> part = records.records(tp);
                List<IncomingMessage> messages = new ArrayList<>(part.size());
                for (ConsumerRecord<String, byte[]> record : part) {
                    messages.add(toMessage(record));
                }
                for (InboxResult result : inbox.processAll(messages, handler)) {
                    switch (result) {
                        case PROCESSED -> processed.incrementAndGet();
                        case DUPLICATE -> duplicates.incrementAndGet();
                        case DEAD_LETTERED -> deadLettered.incrementAndGet();
                    }
                }
                long last = part.get(part.size() - 1).offset();
                if (log.isDebugEnabled()) {
                    log.debug("Kafka inbox consumer {}: {} offsets {}..{} settled", config.clientId(), tp,
                            part.get(0).offset(), last);
                }
                settled.put(tp, new OffsetAndMetadata(last + 1));
                next.put(tp, last + 1);
                if (!running) {
                    // stop after the partition in hand
                    commitSettled();
                    rewind(next);
                    return;
                }
            }
            // one offset commit for every partition of the poll, after their inbox transactions
            commitSettled();
            failures = 0;
        } catch (InterruptedException | RuntimeException e) {
            // wakeup, interrupt, a failed commit: whatever was not settled must be polled again
            rewind(next);
            throw e;
        } catch (Exception e) {
            // the inbox's database is unusable: keep the record in hand and everything after it uncommitted
            failures++;
            log.warn("Kafka inbox consumer {}: inbox failed (failure {}), not committing from {}; retrying after backoff: {}",
                    config.clientId(), failures, next, e.toString());
            rewind(next);
            commitSettled();
            backoff();
        }
    }

    /** Sets every partition of the batch back to its first unsettled record (the fetch position ran ahead). */
    private void rewind(Map<TopicPartition, Long> next) {
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            try {
                consumer.seek(e.getKey(), e.getValue());
            } catch (IllegalStateException notAssigned) {
                // revoked meanwhile: its new owner starts from the committed offset
            }
        }
    }

    private void commitSettled() {
        if (settled.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(settled);
        try {
            consumer.commitSync(offsets);
            commits.incrementAndGet();
            log.debug("Kafka inbox consumer {}: committed {}", config.clientId(), offsets);
            offsets.forEach(settled::remove);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved to another member, which will see these records again; the inbox skips them
            offsets.keySet().forEach(settled::remove);
            log.warn("Kafka inbox consumer {}: commit of {} failed, records will be redelivered and deduplicated: {}",
                    config.clientId(), offsets, e.toString());
        }
    }

    private void maybeRedrive() {
        if (config.redriveInterval().isZero() || System.nanoTime() - nextRedriveNanos < 0) {
            return;
        }
        nextRedriveNanos = System.nanoTime() + config.redriveInterval().toNanos();
        try {
            int n = inbox.redriveRequested(handler);
            if (n > 0) {
                redriven.addAndGet(n);
                log.info("Kafka inbox consumer {}: redrove {} dead letter(s)", config.clientId(), n);
            }
        } catch (Exception e) {
            log.warn("Kafka inbox consumer {}: redrive failed: {}", config.clientId(), e.toString());
        }
    }

    private void backoff() {
        int attempt = Math.max(1, failures);
        long initial = config.backoffInitial().toNanos();
        long cap = config.backoffMax().toNanos();
        long exp = attempt >= 30 ? cap : Math.min(cap, initial << Math.min(attempt - 1, 30));
        long delay = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1); // "equal jitter"
        long deadline = System.nanoTime() + delay;
        while (running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static IncomingMessage toMessage(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        String id = null;
        for (Header h : record.headers()) {
            String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            if (KafkaTransport.MESSAGE_ID_HEADER.equals(h.key())) {
                id = value;
            } else {
                headers.put(h.key(), value);
            }
        }
        if (id == null || id.isEmpty()) {
            id = record.topic() + "-" + record.partition() + "-" + record.offset();
            log.warn("record {} has no {} header; using its position as message id", id, KafkaTransport.MESSAGE_ID_HEADER);
        }
        byte[] payload = record.value() != null ? record.value() : new byte[0];
        return new IncomingMessage(id, record.topic(), record.key(), payload, headers);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata o = settled.remove(tp);
                if (o != null) {
                    mine.put(tp, o);
                }
            }
            if (!mine.isEmpty()) {
                try {
                    consumer.commitSync(mine);
                    commits.incrementAndGet();
                } catch (RuntimeException e) {
                    log.warn("Kafka inbox consumer {}: commit on revoke failed (records will be redelivered and deduplicated): {}",
                            config.clientId(), e.toString());
                }
            }
            log.info("Kafka inbox consumer {}: partitions revoked {}", config.clientId(), partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(settled::remove);
            log.warn("Kafka inbox consumer {}: partitions lost {}", config.clientId(), partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("Kafka inbox consumer {}: partitions assigned {}", config.clientId(), partitions);
        }
    }
}
