package dev.sinew.micrometer;

/**
 * What a {@code bind} call returns: closing it detaches the listener and removes every meter the
 * binding registered, so a closed binding leaves the meter registry as it found it. Idempotent.
 */
public interface MetricsBinding extends AutoCloseable {

    @Override
    void close();
}
