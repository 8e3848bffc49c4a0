package dev.sinew.console.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What operators asked the services for through the console: forced breakers, switched-off
 * pipelines, read-only mode and live settings. A service keeps these only in memory, so one that
 * restarts comes back without them; {@link #differences} compares what it reports with what was
 * asked, so the console can ask again. Recorded before a control is sent (a scrape racing the
 * control then re-sends the new wish, never the old one) and forgotten when it is refused.
 */
final class DesiredState {

    /** One thing to send again: its admin path and body, and a line for the audit and the timeline. */
    record Action(String path, Map<String, Object> body, String text) {
    }

    private final Map<String, String> breakers = new ConcurrentHashMap<>();      // service/pipeline -> open|close
    private final Map<String, Boolean> switchedOff = new ConcurrentHashMap<>(); // service/pipeline -> true
    private final Map<String, Integer> readOnly = new ConcurrentHashMap<>();     // service -> retry-after (on)
    private final Map<String, Map<String, String>> settings = new ConcurrentHashMap<>(); // service/pipeline -> key -> value

    void breaker(String service, String pipeline, String action) {
        if ("reset".equals(action)) {
            breakers.remove(service + "/" + pipeline);
        } else {
            breakers.put(service + "/" + pipeline, action);
        }
    }

    void forgetBreaker(String service, String pipeline) {
        breakers.remove(service + "/" + pipeline);
    }

    void switchOff(String service, String pipeline, boolean off) {
        if (off) {
            switchedOff.put(service + "/" + pipeline, true);
        } else {
            switchedOff.remove(service + "/" + pipeline);
        }
    }

    void readOnly(String service, boolean on, int retryAfterSeconds) {
        if (on) {
            readOnly.put(service, retryAfterSeconds);
        } else {
            readOnly.remove(service);
        }
    }

    void settings(String service, String pipeline, Map<String, String> changes) {
        Map<String, String> m = settings.computeIfAbsent(service + "/" + pipeline, k -> new ConcurrentHashMap<>());
        changes.forEach((k, v) -> {
            if (v == null || v.isBlank()) {
                m.remove(k);
            } else {
                m.put(k, v.trim());
            }
        });
    }

    void forgetSettings(String service, String pipeline, Map<String, String> changes) {
        Map<String, String> m = settings.get(service + "/" + pipeline);
        if (m != null) {
            changes.keySet().forEach(m::remove);
        }
    }

    /** What {@code service} (its {@code GET /admin/state}) lacks of what was asked. */
    List<Action> differences(String service, JsonNode state) {
        List<Action> out = new ArrayList<>();
        Map<String, JsonNode> pipelines = new LinkedHashMap<>();
        state.path("pipelines").forEach(p -> pipelines.put(p.path("name").asText(), p));
        String prefix = service + "/";
        breakers.forEach((id, action) -> {
            JsonNode p = id.startsWith(prefix) ? pipelines.get(id.substring(prefix.length())) : null;
            String want = "open".equals(action) ? "forced_open" : "disabled";
            if (p != null && !want.equals(p.path("breaker").asText())) {
                out.add(new Action("/admin/breakers/" + p.path("name").asText(), Map.of("action", action),
                        "breaker " + id + " " + action + " again"));
            }
        });
        switchedOff.forEach((id, off) -> {
            JsonNode p = id.startsWith(prefix) ? pipelines.get(id.substring(prefix.length())) : null;
            if (p != null && !p.path("switchedOff").asBoolean()) {
                out.add(new Action("/admin/switches/" + p.path("name").asText(), Map.of("off", true),
                        "switch " + id + " off again"));
            }
        });
        Integer retryAfter = readOnly.get(service);
        if (retryAfter != null && !state.path("readOnly").path("on").asBoolean()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("on", true);
            body.put("retryAfterSeconds", retryAfter);
            out.add(new Action("/admin/read-only", body, "read-only mode on " + service + " again"));
        }
        settings.forEach((id, wanted) -> {
            JsonNode p = id.startsWith(prefix) ? pipelines.get(id.substring(prefix.length())) : null;
            if (p == null || wanted.isEmpty()) {
                return;
            }
            boolean differs = wanted.entrySet().stream()
                    .anyMatch(e -> !e.getValue().equals(p.path("settings").path(e.getKey()).asText(null)));
            if (differs) {
                out.add(new Action("/admin/pipelines/" + p.path("name").asText() + "/settings",
                        Map.of("settings", Map.copyOf(wanted)), "settings of " + id + " " + wanted + " again"));
            }
        });
        return out;
    }
}
