package dev.sinew.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Splits flat {@code sinew.*} properties into sections: {@code sinew.pipeline.<name>.<policy>.<key>}
 * and {@code sinew.budget.<name>.<key>}. Keys outside {@code sinew.} are ignored, so a whole
 * application configuration can be passed in; unknown keys inside it are errors.
 */
final class PropertyTree {

    static final String ROOT = "sinew.";
    static final String PIPELINE = "sinew.pipeline.";
    static final String BUDGET = "sinew.budget.";

    /** pipeline name → policy section name → key → value. */
    final Map<String, Map<String, Map<String, String>>> pipelines = new TreeMap<>();
    /** budget name → key → value. */
    final Map<String, Map<String, String>> budgets = new TreeMap<>();

    static PropertyTree parse(Map<String, String> properties) {
        PropertyTree tree = new PropertyTree();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            String key = e.getKey().trim();
            if (!key.startsWith(ROOT)) {
                continue;
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new ConfigException(key, "has no value; remove the key or give it one");
            }
            if (key.startsWith(PIPELINE)) {
                String[] parts = key.substring(PIPELINE.length()).split("\\.", 3);
                if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
                    throw new ConfigException(key, "expected sinew.pipeline.<pipeline>.<policy>.<key>, e.g. sinew.pipeline.payment.retry.max-attempts");
                }
                tree.pipelines.computeIfAbsent(parts[0], k -> new TreeMap<>())
                        .computeIfAbsent(parts[1], k -> new LinkedHashMap<>())
                        .put(parts[2], e.getValue());
            } else if (key.startsWith(BUDGET)) {
                String[] parts = key.substring(BUDGET.length()).split("\\.", 2);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new ConfigException(key, "expected sinew.budget.<name>.<key>, e.g. sinew.budget.payment.percent-can-retry");
                }
                tree.budgets.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], e.getValue());
            } else {
                throw new ConfigException(key, "unknown key; Sinew keys start with sinew.pipeline.<name>. or sinew.budget.<name>.");
            }
        }
        return tree;
    }

    static Map<String, String> flatten(Properties properties) {
        Map<String, String> m = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            m.put(name, properties.getProperty(name));
        }
        return m;
    }
}
