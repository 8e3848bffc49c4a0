package dev.sinew.chaos.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the links of a {@link FaultProxy} from JSON:
 * <pre>{@code
 * {"links": [
 *   {"name": "payment", "listen": "127.0.0.1:18081", "upstream": "127.0.0.1:8081",
 *    "faults": {"latency-ms": 200}}
 * ]}
 * }</pre>
 * {@code listen} may be a bare port; {@code faults} is optional. Errors name the file and link.
 */
public final class ProxyConfigFile {

    private static final Set<String> LINK_KEYS = Set.of("name", "listen", "upstream", "faults");

    private ProxyConfigFile() {
    }

    /** The links of the file at {@code path}. */
    public static List<LinkConfig> read(Path path) throws IOException {
        return parse(path.toString(), Files.readString(path));
    }

    /** The links in {@code text}; {@code source} names it in errors. */
    public static List<LinkConfig> parse(String source, String text) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " line " + e.getLocation().getLineNr() + ": malformed JSON: "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("links").isArray()) {
            throw new IllegalArgumentException(source + ": expected an object with a \"links\" array");
        }
        List<LinkConfig> links = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode l : root.get("links")) {
            String where = source + ": links[" + i++ + "]";
            if (!l.isObject()) {
                throw new IllegalArgumentException(where + " must be an object");
            }
            for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!LINK_KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + ": unknown key '" + key + "'; allowed: name, listen, upstream, faults");
                }
            }
            String name = text(l, "name", where);
            where = source + ": link '" + name + "'";
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + " is listed twice");
            }
            String[] listen = hostPort(l.path("listen").asText(""), "127.0.0.1", where + " listen");
            String[] upstream = hostPort(text(l, "upstream", where), null, where + " upstream");
            try {
                links.add(new LinkConfig(name, listen[0], Integer.parseInt(listen[1]), upstream[0],
                        Integer.parseInt(upstream[1]), LinkFaults.fromJson(l.get("faults"))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return links;
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": '" + key + "' is required (text)");
        }
        return v.asText();
    }

    private static String[] hostPort(String text, String defaultHost, String where) {
        String t = text.isBlank() ? "0" : text;
        int colon = t.lastIndexOf(':');
        String host = colon < 0 ? defaultHost : t.substring(0, colon);
        String port = colon < 0 ? t : t.substring(colon + 1);
        if (host == null || host.isBlank() || !port.matches("\\d{1,5}")) {
            throw new IllegalArgumentException(where + " must be host:port" + (defaultHost != null ? " or a port" : "")
                    + ", was '" + text + "'");
        }
        return new String[] {host, port};
    }
}
