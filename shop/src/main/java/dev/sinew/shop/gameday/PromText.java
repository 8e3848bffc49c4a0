package dev.sinew.shop.gameday;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The samples of a Prometheus text exposition (comments skipped), enough to read gauges and counters. */
record PromText(List<Metric> metrics) {

    /** One sample line: {@code name{label="value",...} 1.0}. */
    record Metric(String name, Map<String, String> labels, double value) {
        String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    static PromText parse(String text) {
        List<Metric> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            Metric m = line(line);
            if (m != null) {
                out.add(m);
            }
        }
        return new PromText(out);
    }

    /** The sum of every sample named {@code name} whose labels pass {@code filter}; 0 when none. */
    double sum(String name, Predicate<Metric> filter) {
        double s = 0;
        for (Metric m : metrics) {
            if (m.name.equals(name) && filter.test(m) && !Double.isNaN(m.value)) {
                s += m.value;
            }
        }
        return s;
    }

    /** True when some sample named {@code name} passing {@code filter} has the value 1. */
    boolean anyOne(String name, Predicate<Metric> filter) {
        for (Metric m : metrics) {
            if (m.name.equals(name) && filter.test(m) && m.value == 1.0) {
                return true;
            }
        }
        return false;
    }

    private static Metric line(String line) {
        int brace = line.indexOf('{');
        int space;
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < line.indexOf(' ')) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (i < line.length() && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = line.substring(i, eq).trim();
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (j < line.length() && line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                    j++;
                }
                labels.put(key, v.toString());
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
            space = line.indexOf(' ', i);
        } else {
            space = line.indexOf(' ');
            if (space < 0) {
                return null;
            }
            name = line.substring(0, space);
        }
        if (space < 0) {
            return null;
        }
        String rest = line.substring(space + 1).trim();
        int sp = rest.indexOf(' ');
        String value = sp < 0 ? rest : rest.substring(0, sp);
        try {
            return new Metric(name, labels, switch (value) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            });
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
