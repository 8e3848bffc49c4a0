package dev.sinew.shop.alerts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Prometheus rule file the checks need, read line by line (the shop has no YAML
 * library, and promtool checks the syntax): each rule's text, its name and its expression.
 * Expressions are either on the {@code expr:} line or a {@code |} block indented below it.
 */
final class RuleFileText {

    /** One rule: {@code alert} or {@code record}, its name, its expression, its full text. */
    record Rule(String kind, String name, String expr, String text) {}

    private static final Pattern START = Pattern.compile("^(\\s*)- (alert|record):\\s*(\\S+)\\s*$");
    private static final Pattern EXPR = Pattern.compile("^(\\s*)expr:\\s*(.*)$");

    private RuleFileText() {}

    static List<Rule> rules(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher start = START.matcher(lines.get(i));
            if (!start.matches()) {
                continue;
            }
            int indent = start.group(1).length();
            int end = i + 1;
            while (end < lines.size() && (lines.get(end).isBlank() || indentOf(lines.get(end)) > indent)) {
                end++;
            }
            List<String> body = lines.subList(i, end);
            rules.add(new Rule(start.group(2), start.group(3), expr(body), String.join("\n", body)));
        }
        return rules;
    }

    private static String expr(List<String> body) {
        for (int i = 0; i < body.size(); i++) {
            Matcher m = EXPR.matcher(body.get(i));
            if (!m.matches()) {
                continue;
            }
            String rest = m.group(2).trim();
            if (!rest.equals("|") && !rest.equals(">")) {
                return rest;
            }
            int indent = m.group(1).length();
            StringBuilder block = new StringBuilder();
            for (int j = i + 1; j < body.size() && (body.get(j).isBlank() || indentOf(body.get(j)) > indent); j++) {
                block.append(body.get(j).trim()).append('\n');
            }
            return block.toString().trim();
        }
        return "";
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
