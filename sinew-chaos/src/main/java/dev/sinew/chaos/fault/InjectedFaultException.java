package dev.sinew.chaos.fault;

/** The default exception a {@link Failure} fault throws; cheap (no stack trace), easy to tell apart. */
public final class InjectedFaultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InjectedFaultException(String message) {
        super(message, null, false, false);
    }
}
