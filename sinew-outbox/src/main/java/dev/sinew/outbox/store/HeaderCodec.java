package dev.sinew.outbox.store;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How message headers are stored in a text column: {@code name=value} pairs joined by {@code &},
 * both URL-encoded (UTF-8), names sorted. Readable in a SQL console, unambiguous for any text.
 */
public final class HeaderCodec {

    private HeaderCodec() {
    }

    /** Encodes {@code headers} (may be empty). */
    public static String encode(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(headers).entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Decodes what {@link #encode} wrote. */
    public static Map<String, String> decode(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return headers;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            headers.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return headers;
    }
}
