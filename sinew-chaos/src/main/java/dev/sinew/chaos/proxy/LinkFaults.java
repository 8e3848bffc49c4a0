package dev.sinew.chaos.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The faults of one proxy link, all off in {@link #NONE}. Immutable; a link switches by swapping
 * the whole value.
 *
 * @param latencyMs     delay added before each chunk is forwarded, either direction
 * @param jitterMs      up to this much more delay, uniformly random
 * @param bandwidth     bytes per second per direction and connection; 0 for unlimited
 * @param blackhole     accept and keep connections but forward nothing, either way
 * @param reset         reset (TCP RST) every connection, open ones and new ones
 * @param slowCloseMs   wait this long before passing a close on
 * @param down          refuse new connections and cut open ones
 */
public record LinkFaults(long latencyMs, long jitterMs, long bandwidth, boolean blackhole, boolean reset,
                         long slowCloseMs, boolean down) {

    /** No fault: the link forwards as fast as it can. */
    public static final LinkFaults NONE = new LinkFaults(0, 0, 0, false, false, 0, false);

    /** The JSON keys, for error messages. */
    public static final List<String> KEYS = List.of("latency-ms", "jitter-ms", "bandwidth", "blackhole", "reset",
            "slow-close-ms", "down");

    public LinkFaults {
        nonNegative("latency-ms", latencyMs);
        nonNegative("jitter-ms", jitterMs);
        nonNegative("bandwidth", bandwidth);
        nonNegative("slow-close-ms", slowCloseMs);
    }

    private static void nonNegative(String key, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(key + " must not be negative, was " + value);
        }
    }

    /** True when no fault is on. */
    public boolean none() {
        return equals(NONE);
    }

    /**
     * Reads faults from a JSON object such as {@code {"latency-ms": 200, "jitter-ms": 50}}; keys not
     * given are off. Throws {@link IllegalArgumentException} naming the key on anything else.
     */
    public static LinkFaults fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("faults must be a JSON object with keys " + KEYS);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown fault '" + key + "'; allowed: " + String.join(", ", KEYS));
            }
        }
        return new LinkFaults(number(node, "latency-ms"), number(node, "jitter-ms"), number(node, "bandwidth"),
                flag(node, "blackhole"), flag(node, "reset"), number(node, "slow-close-ms"), flag(node, "down"));
    }

    private static long number(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(key + " must be a whole number, was " + v);
        }
        return v.asLong();
    }

    private static boolean flag(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, was " + v);
        }
        return v.asBoolean();
    }

    /** The faults as a JSON-ready map, with only the keys that are on. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (latencyMs > 0) {
            m.put("latency-ms", latencyMs);
        }
        if (jitterMs > 0) {
            m.put("jitter-ms", jitterMs);
        }
        if (bandwidth > 0) {
            m.put("bandwidth", bandwidth);
        }
        if (blackhole) {
            m.put("blackhole", true);
        }
        if (reset) {
            m.put("reset", true);
        }
        if (slowCloseMs > 0) {
            m.put("slow-close-ms", slowCloseMs);
        }
        if (down) {
            m.put("down", true);
        }
        return m;
    }
}
