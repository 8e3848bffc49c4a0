package dev.sinew.config;

/**
 * Thrown for invalid configuration. The message names the full key, the bad value and what is
 * allowed, so a typo in a properties file can be fixed from the message alone.
 */
public class ConfigException extends IllegalArgumentException {

    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public ConfigException(String key, String message, Throwable cause) {
        super(key + ": " + message, cause);
        this.key = key;
    }

    /** The full property key at fault, e.g. {@code sinew.pipeline.payment.retry.max-attempts}. */
    public String key() {
        return key;
    }
}
