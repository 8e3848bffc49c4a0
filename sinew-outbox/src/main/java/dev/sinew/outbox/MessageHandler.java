package dev.sinew.outbox;

import java.sql.Connection;

/**
 * Processes one message inside the consumer's own transaction: whatever it writes through
 * {@code tx} commits together with the inbox record, or not at all.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Connection tx, IncomingMessage message) throws Exception;
}
