package dev.sinew.outbox;

import java.time.Instant;
import java.util.Map;

/**
 * A message whose handler failed {@code max-attempts} times.
 *
 * @param id               the dead letter's id (for {@link DeadLetters#redrive})
 * @param consumer         the consumer that failed to process it
 * @param messageId        the message id
 * @param topic            where it came from
 * @param key              its key, may be null
 * @param payload          the body
 * @param headers          its headers
 * @param error            the last error: exception and stack trace, shortened
 * @param attempts         handler attempts so far (including failed redrives)
 * @param failedAt         when it last failed
 * @param redriveRequested whether it is marked for the consumer to try again
 */
public record DeadLetter(long id, String consumer, String messageId, String topic, String key, byte[] payload,
                         Map<String, String> headers, String error, int attempts, Instant failedAt,
                         boolean redriveRequested) {

    /** The message as the handler receives it. */
    public IncomingMessage toMessage() {
        return new IncomingMessage(messageId, topic, key, payload, headers);
    }
}
