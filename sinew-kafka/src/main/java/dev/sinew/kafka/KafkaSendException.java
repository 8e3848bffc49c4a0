package dev.sinew.kafka;

/** A batch was not (entirely) acknowledged by Kafka; names the first message that failed. */
public final class KafkaSendException extends Exception {

    private final String topic;
    private final String messageId;

    public KafkaSendException(String message, String topic, String messageId, Throwable cause) {
        super(message, cause);
        this.topic = topic;
        this.messageId = messageId;
    }

    public String topic() {
        return topic;
    }

    public String messageId() {
        return messageId;
    }
}
