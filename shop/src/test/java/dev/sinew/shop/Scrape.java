package dev.sinew.shop;

import java.util.List;

/** Reads series out of a Prometheus text scrape for the tests. */
record Scrape(String text) {

    /** The lines of family {@code name} (exact series name) having every {@code label="value"} pair given. */
    List<String> lines(String name, String... labels) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> {
                    for (int i = 0; i < labels.length; i += 2) {
                        if (!l.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
                            return false;
                        }
                    }
                    return true;
                }).toList();
    }

    /** The sum of those series' values (0 when there are none). */
    double sum(String name, String... labels) {
        return lines(name, labels).stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
