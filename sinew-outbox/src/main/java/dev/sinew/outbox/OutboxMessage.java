package dev.sinew.outbox;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A message committed to the outbox, as the relay hands it to a {@link Transport}.
 *
 * @param sequence  the outbox row's position; messages of one key are sent in this order
 * @param messageId globally unique id, carried in a header so consumers can deduplicate
 * @param topic     destination topic
 * @param key       ordering key (may be null: no ordering promise)
 * @param payload   the body, opaque bytes
 * @param headers   application headers, including trace context
 * @param createdAt when the producing transaction wrote it
 */
public record OutboxMessage(long sequence, String messageId, String topic, String key, byte[] payload,
                            Map<String, String> headers, Instant createdAt) {

    public OutboxMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        headers = Map.copyOf(headers);
    }
}
