package dev.sinew.console.control;

import dev.sinew.console.admin.AdminException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.console.audit.AuditEntry;
import dev.sinew.console.audit.AuditLog;
import dev.sinew.console.incident.IncidentStore;
import dev.sinew.console.scrape.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contain-and-repair controls: breakers, degradation switches, read-only mode and live
 * settings, each applied through the services' admin API before the answer returns (so it is in
 * effect within the request), written to the audit log and to the open incident's timeline,
 * whether it worked or not.
 */
public final class Controls {

    private final Map<String, Target> targets;
    private final Map<String, DegradationSwitch> switches;
    private final List<String> readOnlyServices;
    private final AdminClient admin;
    private final AuditLog audit;
    private final IncidentStore incidents;
    private final Map<String, JsonNode> adminStates = new ConcurrentHashMap<>();
    private final DesiredState desired = new DesiredState();
    private final Map<String, Long> lastReapply = new ConcurrentHashMap<>();
    private final Map<String, Long> lastControl = new ConcurrentHashMap<>();

    public Controls(List<Target> targets, List<DegradationSwitch> switches, List<String> readOnlyServices,
                    AdminClient admin, AuditLog audit, IncidentStore incidents) {
        Map<String, Target> t = new LinkedHashMap<>();
        targets.forEach(x -> t.put(x.service(), x));
        this.targets = Map.copyOf(t);
        Map<String, DegradationSwitch> s = new LinkedHashMap<>();
        switches.forEach(x -> s.put(x.name(), x));
        this.switches = s;
        this.readOnlyServices = List.copyOf(readOnlyServices);
        this.admin = admin;
        this.audit = audit;
        this.incidents = incidents;
    }

    /** Forces the breaker of {@code service}'s {@code pipeline} open, closed, or resets it; returns the new state. */
    public String breaker(String actor, String remote, String service, String pipeline, String action) {
        Map<String, Object> params = Map.of("service", nz(service), "pipeline", nz(pipeline), "action", nz(action));
        return audited(actor, remote, "breaker." + nz(action), service + "/" + pipeline, params, "control", () -> {
            Target t = target(service);
            requireName("pipeline", pipeline);
            if (!List.of("open", "close", "reset").contains(action)) {
                throw new AdminException(400, "invalid_action", "action: '" + action + "' is not valid; expected one of [open, close, reset]");
            }
            desired.breaker(service, pipeline, action);
            lastControl.put(service, System.currentTimeMillis());
            JsonNode r;
            try {
                r = admin.post(t, "/admin/breakers/" + pipeline, Map.of("action", nz(action)));
            } catch (AdminException e) {
                desired.forgetBreaker(service, pipeline);
                throw e;
            }
            return "breaker " + service + "→" + pipeline + " " + action + ": now " + r.path("breaker").asText();
        });
    }

    /** Turns a named degradation on (its pipelines switched off) or off again. */
    public String degrade(String actor, String remote, String name, boolean on) {
        Map<String, Object> params = Map.of("switch", nz(name), "on", on);
        return audited(actor, remote, "switch." + (on ? "on" : "off"), name, params, "control", () -> {
            DegradationSwitch s = switches.get(name);
            if (s == null) {
                throw new AdminException(404, "unknown_switch", "no switch '" + name + "'; expected one of " + switches.keySet());
            }
            for (DegradationSwitch.Edge e : s.pipelines()) {
                desired.switchOff(e.service(), e.pipeline(), on);
                lastControl.put(e.service(), System.currentTimeMillis());
                admin.post(target(e.service()), "/admin/switches/" + e.pipeline(), Map.of("off", on));
            }
            return "degradation " + name + (on ? " ON" : " off") + " (" + s.description() + ")";
        });
    }

    /** Read-only mode for order writes on every service that takes them. */
    public String readOnly(String actor, String remote, boolean on, int retryAfterSeconds) {
        Map<String, Object> params = Map.of("on", on, "retryAfterSeconds", retryAfterSeconds);
        return audited(actor, remote, "read-only." + (on ? "on" : "off"), String.join(",", readOnlyServices), params,
                "control", () -> {
                    for (String s : readOnlyServices) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("on", on);
                        body.put("retryAfterSeconds", retryAfterSeconds);
                        desired.readOnly(s, on, retryAfterSeconds);
                        lastControl.put(s, System.currentTimeMillis());
                        try {
                            admin.post(target(s), "/admin/read-only", body);
                        } catch (AdminException e) {
                            desired.readOnly(s, false, retryAfterSeconds);
                            throw e;
                        }
                    }
                    return "read-only mode for order writes " + (on ? "ON (503, Retry-After: " + retryAfterSeconds + ")" : "off");
                });
    }

    /** Changes settings of one pipeline live; returns the effective settings. */
    public String configure(String actor, String remote, String service, String pipeline, Map<String, String> settings) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("service", nz(service));
        params.put("pipeline", nz(pipeline));
        params.put("settings", settings == null ? Map.of() : settings);
        return audited(actor, remote, "config", service + "/" + pipeline, params, "config", () -> {
            Target t = target(service);
            requireName("pipeline", pipeline);
            Map<String, String> changes = settings == null ? Map.of() : settings;
            desired.settings(service, pipeline, changes);
            lastControl.put(service, System.currentTimeMillis());
            try {
                admin.post(t, "/admin/pipelines/" + pipeline + "/settings", Map.of("settings", changes));
            } catch (AdminException e) {
                desired.forgetSettings(service, pipeline, changes);
                throw e;
            }
            return "settings of " + service + "→" + pipeline + " changed: " + settings;
        });
    }

    /** Polls one service's admin state (breakers, switches, read-only, settings); kept for {@link #state()}. */
    public void refresh(String service) {
        JsonNode state;
        try {
            state = admin.get(target(service), "/admin/state");
        } catch (AdminException e) {
            adminStates.remove(service);
            return;
        }
        adminStates.put(service, state);
        reapply(service, state);
    }

    /**
     * Sends again what operators asked of {@code service} and it no longer has (it restarted):
     * not within 3 s of an operator's control to it (the state may predate that control), at most
     * once every 5 s per service, audited as the console's own action.
     */
    private void reapply(String service, JsonNode state) {
        List<DesiredState.Action> missing = desired.differences(service, state);
        if (missing.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        Long control = lastControl.get(service);
        Long last = lastReapply.get(service);
        if (control != null && now - control < 3_000 || last != null && now - last < 5_000) {
            return;
        }
        lastReapply.put(service, now);
        for (DesiredState.Action a : missing) {
            String result;
            try {
                admin.post(target(service), a.path(), a.body());
                result = "ok";
            } catch (AdminException e) {
                result = "refused: " + e.getMessage();
            }
            audit.record(new AuditEntry(now, "console", "-", "reapply", service, Map.of("what", a.text()), result));
            incidents.record(now, "control", service + " came back without an operator's change: " + a.text()
                    + ("ok".equals(result) ? "" : " (" + result + ")"));
        }
    }

    /** True when {@code service}'s {@code pipeline} is switched off, as last polled. */
    public boolean switchedOff(String edgeId) {
        int slash = edgeId.indexOf('/');
        JsonNode s = adminStates.get(edgeId.substring(0, slash));
        if (s == null) {
            return false;
        }
        for (JsonNode p : s.path("pipelines")) {
            if (p.path("name").asText().equals(edgeId.substring(slash + 1))) {
                return p.path("switchedOff").asBoolean();
            }
        }
        return false;
    }

    /** Each degradation switch and whether all its pipelines are off; read-only mode; the services' admin states. */
    public Map<String, Object> state() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> sw = switches.values().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("description", s.description());
            m.put("on", s.pipelines().stream().allMatch(e -> switchedOff(e.service() + "/" + e.pipeline())));
            return m;
        }).toList();
        out.put("switches", sw);
        boolean ro = !readOnlyServices.isEmpty() && readOnlyServices.stream().allMatch(s -> {
            JsonNode st = adminStates.get(s);
            return st != null && st.path("readOnly").path("on").asBoolean();
        });
        out.put("readOnly", ro);
        out.put("services", Map.copyOf(adminStates));
        return out;
    }

    public List<Target> targets() {
        return List.copyOf(targets.values());
    }

    private Target target(String service) {
        Target t = service == null ? null : targets.get(service);
        if (t == null) {
            throw new AdminException(404, "unknown_service", "no service '" + service + "'; expected one of " + targets.keySet());
        }
        return t;
    }

    private static void requireName(String field, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new AdminException(400, "invalid_" + field, field + ": '" + value + "' is not a valid name");
        }
    }

    private interface Action {
        String apply();
    }

    private String audited(String actor, String remote, String action, String target, Map<String, Object> params,
                           String timelineKind, Action a) {
        long now = System.currentTimeMillis();
        try {
            String text = a.apply();
            audit.record(new AuditEntry(now, actor, remote, action, target, params, "ok"));
            incidents.record(now, timelineKind, text);
            return text;
        } catch (AdminException e) {
            audit.record(new AuditEntry(now, actor, remote, action, target, params, "refused: " + e.getMessage()));
            incidents.record(now, timelineKind, action + " on " + target + " failed: " + e.getMessage());
            throw e;
        }
    }

    private static Object nz(Object o) {
        return Objects.requireNonNullElse(o, "");
    }
}
