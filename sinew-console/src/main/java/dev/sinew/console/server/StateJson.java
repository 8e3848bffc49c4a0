package dev.sinew.console.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.console.alert.Alert;
import dev.sinew.console.incident.Incident;
import dev.sinew.console.live.EdgeView;
import dev.sinew.console.live.ServiceView;
import dev.sinew.console.live.Snapshot;
import dev.sinew.console.verify.Verification;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON the page gets every second (the {@code state} event of {@code /api/stream}, and
 * {@code GET /api/state}): services, edges, open alerts, the open incident, controls and the last
 * verification. NaN (no calls, no budget) is written as null.
 */
final class StateJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private StateJson() {
    }

    static ObjectNode of(Snapshot s, List<Alert> alerts, Optional<Incident> incident, Map<String, Object> controls,
                         Verification last) {
        ObjectNode o = JSON.createObjectNode();
        o.put("at", s.atMillis());
        ArrayNode services = o.putArray("services");
        for (ServiceView v : s.services()) {
            ObjectNode n = services.addObject();
            n.put("name", v.name()).put("instance", v.instance()).put("up", v.up()).put("health", v.health());
            num(n, "requestsPerSecond", v.requestsPerSecond());
            num(n, "serverErrorPercent", v.serverErrorPercent());
            n.put("verdict", v.verdict());
            n.put("error", v.error());
        }
        ArrayNode edges = o.putArray("edges");
        for (EdgeView e : s.edges()) {
            ObjectNode n = edges.addObject();
            n.put("id", e.id()).put("caller", e.caller()).put("callee", e.callee()).put("pipeline", e.pipeline());
            num(n, "rate", e.ratePerSecond());
            num(n, "errorPercent", e.errorPercent());
            num(n, "p99Ms", e.p99Ms());
            n.put("breaker", e.breaker());
            num(n, "budgetRemaining", e.budgetRemaining());
            n.put("switchedOff", e.switchedOff());
            n.put("health", e.health());
        }
        o.set("alerts", JSON.valueToTree(alerts));
        o.set("incident", incident.<com.fasterxml.jackson.databind.JsonNode>map(JSON::valueToTree).orElse(null));
        o.set("controls", JSON.valueToTree(controls));
        o.set("verification", last == null ? null : JSON.valueToTree(last));
        return o;
    }

    static void num(ObjectNode n, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            n.putNull(field);
        } else {
            n.put(field, Math.round(v * 100) / 100.0);
        }
    }
}
