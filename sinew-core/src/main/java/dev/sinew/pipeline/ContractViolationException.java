package dev.sinew.pipeline;

/**
 * A downstream answered, but the answer failed to parse or validate: a missing field, a wrong
 * type, an unknown enum value. Usually a third party changed its contract, which no retry and no
 * waiting will fix, so metrics count it as its own outcome ({@code contract_error}) rather than as
 * a plain failure: a rise means "read the changelog", not "the service is down".
 *
 * <p>Throw it (or wrap the parser's exception in it) where the response is decoded; listeners
 * find it anywhere in a failure's cause chain.
 */
public class ContractViolationException extends RuntimeException {

    /** A violation described by {@code message} (say what was expected; never echo the payload). */
    public ContractViolationException(String message) {
        super(message);
    }

    /** A violation described by {@code message}, caused by the parser's or validator's {@code cause}. */
    public ContractViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
