package dev.sinew.console.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An incident's faults as a game day experiment file ({@code docs/CHAOS.md}, "Experiment files"),
 * so what broke once becomes a regression test: each freeze, kill or stop taken from the console
 * becomes a {@code method} step with the time until its node was thawed or started again (or the
 * incident resolved) as its duration, the matching rollback and proof; the hypothesis asks for
 * what the shop promises (browsing keeps working, no order lost or charged twice).
 */
public final class ExperimentExport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExperimentExport() {
    }

    /** True when the incident has a fault to replay. */
    public static boolean hasFaults(Incident i) {
        return i.faults().stream().anyMatch(f -> breaking(f.action()));
    }

    public static String json(Incident i, long nowMillis) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", "Replay of " + i.id() + ": " + i.title());
        ArrayNode hypothesis = root.putArray("hypothesis");
        hypothesis.addObject().put("probe", "success").put("route", "GET /api/products").put("at-least", 0.99);
        hypothesis.addObject().put("probe", "audit");
        ArrayNode method = root.putArray("method");
        ArrayNode rollback = root.putArray("rollback");
        ArrayNode proof = root.putArray("proof");
        List<FaultRecord> faults = i.faults();
        for (int k = 0; k < faults.size(); k++) {
            FaultRecord f = faults.get(k);
            if (!breaking(f.action())) {
                continue;
            }
            long end = i.open() ? nowMillis : i.resolvedMillis();
            for (int j = k + 1; j < faults.size(); j++) {
                FaultRecord r = faults.get(j);
                if (r.node().equals(f.node()) && ("thaw".equals(r.action()) || "start".equals(r.action()))) {
                    end = r.atMillis();
                    break;
                }
            }
            long seconds = Math.max(1, Math.round((end - f.atMillis()) / 1000.0));
            boolean freeze = "freeze".equals(f.action());
            String kind = "broker".equals(f.node()) && !freeze ? "broker-down" : freeze ? "freeze" : "kill";
            method.addObject().put("fault", kind).put("target", f.node()).put("duration", seconds + "s");
            rollback.addObject().put("action", freeze ? "resume" : "restart").put("target", f.node());
            proof.addObject().put("check", "broker".equals(f.node()) ? "broker-unreachable" : "stops-answering")
                    .put("target", f.node()).put("within", "5s");
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean breaking(String action) {
        return "freeze".equals(action) || "kill".equals(action) || "stop".equals(action);
    }
}
