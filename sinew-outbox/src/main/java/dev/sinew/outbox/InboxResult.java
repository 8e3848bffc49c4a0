package dev.sinew.outbox;

/** What {@link Inbox#process} did with a message. */
public enum InboxResult {
    /** The handler ran and its transaction, with the inbox record, committed. */
    PROCESSED,
    /** The message id was already recorded for this consumer (processed or dead-lettered): skipped. */
    DUPLICATE,
    /** The handler failed {@code max-attempts} times; the message is now a dead letter. */
    DEAD_LETTERED
}
