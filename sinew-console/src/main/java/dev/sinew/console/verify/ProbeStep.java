package dev.sinew.console.verify;

import java.util.Map;

/**
 * One step of a synthetic end-to-end probe (browse, log in, place an order...). It reads and
 * writes what later steps need (a token, an order id) in {@code state}, returns a short detail of
 * what it saw, and throws to fail with the exception's message.
 */
@FunctionalInterface
public interface ProbeStep {

    String run(Map<String, Object> state) throws Exception;
}
