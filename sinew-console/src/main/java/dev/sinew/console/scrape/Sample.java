package dev.sinew.console.scrape;

import java.util.Map;

/** One line of a Prometheus text scrape: metric name, labels and value. */
public record Sample(String name, Map<String, String> labels, double value) {

    public Sample {
        labels = Map.copyOf(labels);
    }

    /** The value of label {@code key}, or "" when absent. */
    public String label(String key) {
        return labels.getOrDefault(key, "");
    }
}
