package dev.sinew.console.alert;

/**
 * An alert the console raises from what it scrapes.
 *
 * @param id             stable while the condition lasts, e.g. {@code breaker_open:gateway/catalog}
 * @param severity       {@code page} (someone must act now; may open an incident) or {@code warn}
 * @param kind           {@code service_down}, {@code breaker_open}, {@code error_rate}, {@code budget_exhausted}
 * @param service        the service that looks at fault
 * @param instance       its {@code host:port}
 * @param observedBy     the service that saw it (the caller), or the console itself
 * @param summary        one line: what is wrong
 * @param why            the evidence: the caller's {@code /diagnose} verdict or the scrape error
 * @param exampleTraceId a recent failed call's trace id from {@code /diagnose}, or null
 * @param sinceMillis    when it started firing
 */
public record Alert(String id, String severity, String kind, String service, String instance, String observedBy,
                    String summary, String why, String exampleTraceId, long sinceMillis) {

    public boolean paging() {
        return "page".equals(severity);
    }

    Alert since(long millis) {
        return new Alert(id, severity, kind, service, instance, observedBy, summary, why, exampleTraceId, millis);
    }
}
