package dev.sinew.console.control;

import dev.sinew.console.admin.AdminException;
import dev.sinew.console.audit.AuditEntry;
import dev.sinew.console.audit.AuditLog;
import dev.sinew.console.incident.IncidentStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chaos controls: break a node on purpose (freeze, kill, stop) and repair it (thaw, start). Off
 * unless the console was started with them enabled; breaking is also refused while an incident is
 * open (nobody adds a fault to a real outage by mistake), repairing never is. Every attempt is
 * audited and goes on the open incident's timeline as a {@code fault}.
 */
public final class Faults {

    /** Actions that break something. */
    public static final Set<String> BREAKING = Set.of("freeze", "kill", "stop");
    /** Actions that repair. */
    public static final Set<String> REPAIRING = Set.of("thaw", "start");

    private final FaultInjector injector;
    private final boolean enabled;
    private final AuditLog audit;
    private final IncidentStore incidents;

    /** {@code injector} may be null: then there are no fault controls at all. */
    public Faults(FaultInjector injector, boolean enabled, AuditLog audit, IncidentStore incidents) {
        this.injector = injector;
        this.enabled = enabled && injector != null;
        this.audit = audit;
        this.incidents = incidents;
    }

    public String apply(String actor, String remote, String node, String action) {
        long now = System.currentTimeMillis();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("node", node == null ? "" : node);
        params.put("action", action == null ? "" : action);
        try {
            check(node, action);
            injector.apply(node, action);
        } catch (AdminException e) {
            audit.record(new AuditEntry(now, actor, remote, "fault." + action, node, params, "refused: " + e.getMessage()));
            incidents.record(now, "fault", action + " " + node + " refused: " + e.getMessage());
            throw e;
        }
        audit.record(new AuditEntry(now, actor, remote, "fault." + action, node, params, "ok"));
        String text = action + " " + node + (BREAKING.contains(action) ? " (fault injected from the console)" : " (repaired from the console)");
        incidents.recordFault(now, node, action, text);
        return text;
    }

    private void check(String node, String action) {
        if (!enabled) {
            throw new AdminException(403, "chaos_disabled", "chaos controls are off; start the console with them enabled"
                    + " (./sinew shop --console-chaos)");
        }
        if (action == null || !(BREAKING.contains(action) || REPAIRING.contains(action))) {
            throw new AdminException(400, "invalid_action", "action: '" + action + "' is not valid; expected one of "
                    + List.of("freeze", "kill", "stop", "thaw", "start"));
        }
        if (node == null || !injector.nodes().contains(node)) {
            throw new AdminException(404, "unknown_node", "no node '" + node + "'; expected one of " + injector.nodes());
        }
        if (BREAKING.contains(action) && incidents.isOpen()) {
            throw new AdminException(409, "incident_open", "chaos is off while an incident is open: resolve it first"
                    + " (thaw and start still work)");
        }
    }

    /** For the page: whether chaos is enabled, the nodes, and whether breaking is blocked by an open incident. */
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("nodes", injector == null ? List.of() : injector.nodes());
        m.put("blockedByIncident", incidents.isOpen());
        return m;
    }
}
