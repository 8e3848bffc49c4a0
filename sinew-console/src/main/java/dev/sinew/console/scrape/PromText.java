package dev.sinew.console.scrape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format (version 0.0.4) into samples: comments and blank
 * lines are skipped, label values are unescaped, {@code NaN} and {@code +Inf} are understood,
 * timestamps are ignored. A malformed line is skipped rather than failing the whole scrape.
 */
public final class PromText {

    private PromText() {
    }

    /** Every sample of {@code text}, in order. */
    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            Sample s = line(text, start, end);
            if (s != null) {
                out.add(s);
            }
            start = end + 1;
        }
        return out;
    }

    private static Sample line(String text, int from, int to) {
        int i = from;
        while (i < to && text.charAt(i) == ' ') {
            i++;
        }
        if (i >= to || text.charAt(i) == '#') {
            return null;
        }
        int nameStart = i;
        while (i < to && text.charAt(i) != '{' && text.charAt(i) != ' ') {
            i++;
        }
        String name = text.substring(nameStart, i);
        Map<String, String> labels = new HashMap<>();
        if (i < to && text.charAt(i) == '{') {
            i++;
            while (i < to && text.charAt(i) != '}') {
                int eq = text.indexOf('=', i);
                if (eq < 0 || eq >= to || eq + 1 >= to || text.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = text.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (j < to && text.charAt(j) != '"') {
                    char c = text.charAt(j);
                    if (c == '\\' && j + 1 < to) {
                        char e = text.charAt(++j);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                if (j >= to) {
                    return null;
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (i < to && text.charAt(i) == ',') {
                    i++;
                }
            }
            i++; // '}'
        }
        while (i < to && text.charAt(i) == ' ') {
            i++;
        }
        int valueEnd = i;
        while (valueEnd < to && text.charAt(valueEnd) != ' ' && text.charAt(valueEnd) != '\r') {
            valueEnd++;
        }
        if (valueEnd == i || name.isEmpty()) {
            return null;
        }
        double value;
        try {
            value = number(text.substring(i, valueEnd));
        } catch (NumberFormatException e) {
            return null;
        }
        return new Sample(name, labels, value);
    }

    /** A Prometheus number: also {@code NaN}, {@code +Inf}, {@code -Inf}. */
    public static double number(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
