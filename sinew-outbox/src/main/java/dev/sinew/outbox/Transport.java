package dev.sinew.outbox;

import java.util.List;

/**
 * Where the relay sends committed outbox messages: Kafka in production ({@code sinew-kafka}),
 * anything else by implementing this interface.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends a batch and returns only when every message is durably accepted by the broker, or
     * throws. Messages with the same key must be delivered in list order. After a failure the
     * relay resends the whole batch, so a transport may deliver a message more than once
     * (consumers deduplicate by message id); it must never report success for a lost message.
     */
    void send(List<OutboxMessage> batch) throws Exception;

    @Override
    default void close() {
    }
}
