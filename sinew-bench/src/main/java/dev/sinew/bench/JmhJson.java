package dev.sinew.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON that JMH writes with {@code -rf json} (a small strict parser: objects, arrays,
 * strings, numbers, booleans, null), so that results of separate runs can be combined without a
 * JSON library.
 */
final class JmhJson {

    private final String s;
    private int i;

    private JmhJson(String s) {
        this.s = s;
    }

    /** One benchmark of one run: the method, threads, ns/op with its error, and B/op. */
    record Result(String benchmark, int threads, double score, double error, double bytes) {
    }

    static List<Result> read(Path file) throws IOException {
        Object root = new JmhJson(Files.readString(file)).value();
        List<Result> out = new ArrayList<>();
        for (Object o : (List<?>) root) {
            Map<?, ?> b = (Map<?, ?>) o;
            Map<?, ?> primary = (Map<?, ?>) b.get("primaryMetric");
            Map<?, ?> secondary = (Map<?, ?>) b.get("secondaryMetrics");
            double bytes = Double.NaN;
            if (secondary != null) {
                for (Map.Entry<?, ?> e : secondary.entrySet()) {
                    if (((String) e.getKey()).endsWith("gc.alloc.rate.norm")) {
                        bytes = num(((Map<?, ?>) e.getValue()).get("score"));
                    }
                }
            }
            out.add(new Result((String) b.get("benchmark"), (int) num(b.get("threads")),
                    num(primary.get("score")), num(primary.get("scoreError")), bytes));
        }
        return out;
    }

    private static double num(Object o) {
        return o instanceof Double d ? d : o instanceof String str && str.equals("NaN") ? Double.NaN : Double.NaN;
    }

    private Object value() {
        skip();
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    expect(':');
                    m.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            }
            case '"' -> {
                return string();
            }
            default -> {
                int start = i;
                while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                String token = s.substring(start, i);
                return switch (token) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    case "null" -> null;
                    default -> Double.parseDouble(token);
                };
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalArgumentException("JMH JSON: expected '" + c + "' at offset " + i);
        }
        i++;
    }

    private void skip() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }
}
