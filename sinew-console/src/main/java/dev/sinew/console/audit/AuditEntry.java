package dev.sinew.console.audit;

import java.util.Map;

/**
 * One audited action: when, who (the token holder, from which address), what, on which target,
 * with which parameters, and how it ended ({@code ok} or the error).
 */
public record AuditEntry(long atMillis, String actor, String remote, String action, String target,
                         Map<String, Object> params, String result) {

    public AuditEntry {
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
