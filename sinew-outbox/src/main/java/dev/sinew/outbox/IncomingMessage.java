package dev.sinew.outbox;

import java.util.Map;
import java.util.Objects;

/**
 * A message as a consumer receives it from a broker.
 *
 * @param messageId the producer's message id (the inbox deduplicates on it)
 * @param topic     where it came from
 * @param key       ordering key, may be null
 * @param payload   the body
 * @param headers   headers, including trace context
 */
public record IncomingMessage(String messageId, String topic, String key, byte[] payload, Map<String, String> headers) {

    public IncomingMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        headers = Map.copyOf(headers);
    }
}
