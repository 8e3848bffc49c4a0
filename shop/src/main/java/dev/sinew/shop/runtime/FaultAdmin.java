package dev.sinew.shop.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.chaos.fault.FaultSpec;
import dev.sinew.chaos.fault.Faults;
import dev.sinew.chaos.fault.Latency;
import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.shop.admin.AdminRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection into a service's own calls, switched over HTTP while it runs (the game day's
 * "+2 s latency" and "50% errors"). Only with {@code --chaos}: then every pipeline gets an innermost
 * fault policy ({@link Faults}, all off) and {@code /admin/faults} switches them; without it the
 * routes answer 404 {@code chaos_off}. Answers only requests from the loopback interface.
 *
 * <pre>
 * POST   /admin/faults            {"target":"payment","kind":"latency","latencyMs":2000,"jitterMs":0,"rate":1.0}
 *                                 {"target":"payment","kind":"error","rate":0.5}
 * GET    /admin/faults            the faults on, and this service's pipelines
 * DELETE /admin/faults            every fault off
 * DELETE /admin/faults/{target}   one fault off
 * </pre>
 *
 * <p>A fault "on payment" goes into the pipeline named {@code payment}: the calls this service
 * makes to payment are slowed or failed, as if payment itself were slow or failing, and every
 * resilience policy of the pipeline reacts to it.
 */
final class FaultAdmin {

    private static final Logger log = LoggerFactory.getLogger(FaultAdmin.class);
    private static final Duration MAX_LATENCY = Duration.ofSeconds(60);

    private final String service;
    private final SinewRegistry registry;
    private final Faults faults;
    private final Map<String, ObjectNode> active = new ConcurrentHashMap<>();

    private FaultAdmin(String service, SinewRegistry registry, Faults faults) {
        this.service = service;
        this.registry = registry;
        this.faults = faults;
    }

    /** With chaos on: installs the (idle) fault policies on every pipeline of {@code registry}; else null. */
    static FaultAdmin installIfEnabled(ServiceOptions options, SinewRegistry registry) {
        if (!options.chaos()) {
            return null;
        }
        log.warn("fault injection is ON (--chaos): /admin/faults can slow or fail this service's calls");
        return new FaultAdmin(options.service(), registry, Faults.installOn(registry));
    }

    /**
     * The routes; {@code admin} is null when chaos is off. {@code tokenGuard}: the service's admin
     * API (the launcher starts every service with one); when present, a request without the admin
     * token is refused (401) like every other admin route. Without it (a service started by hand
     * without a token file) the routes answer loopback requests only.
     */
    static void routes(RoutesConfig routes, Supplier<FaultAdmin> admin, AdminRoutes tokenGuard) {
        routes.get("/admin/faults", c -> on(c, admin, tokenGuard).list(c));
        routes.post("/admin/faults", c -> on(c, admin, tokenGuard).enable(c));
        routes.delete("/admin/faults", c -> on(c, admin, tokenGuard).clear(c, null));
        routes.delete("/admin/faults/{target}", c -> on(c, admin, tokenGuard).clear(c, c.pathParam("target")));
    }

    private static FaultAdmin on(Context c, Supplier<FaultAdmin> admin, AdminRoutes tokenGuard) {
        if (!loopback(c.ip())) {
            throw new ApiException(403, "loopback_only", "/admin/faults answers only requests from 127.0.0.1");
        }
        if (tokenGuard != null) {
            tokenGuard.guard(c);
        }
        FaultAdmin a = admin.get();
        if (a == null) {
            throw new ApiException(404, "chaos_off", "fault injection is off; start the service with --chaos"
                    + " (./sinew shop --chaos, or ./sinew gameday, which does)");
        }
        return a;
    }

    static boolean loopback(String ip) {
        try {
            return ip != null && InetAddress.getByName(ip.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void list(Context c) {
        ObjectNode body = Json.object().put("service", service);
        ObjectNode on = body.putObject("faults");
        new TreeMap<>(active).forEach(on::set);
        registry.pipelines().stream().map(Pipeline::name).sorted().forEach(body.putArray("pipelines")::add);
        Http.json(c, 200, body);
    }

    private void enable(Context c) {
        JsonNode req = Json.parseBody(c.body());
        for (var it = req.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("target", "kind", "rate", "latencyMs", "jitterMs").contains(key)) {
                throw ApiException.badRequest("unknown field '" + key + "'; allowed: target, kind, rate, latencyMs, jitterMs");
            }
        }
        String target = Json.text(req, "target", 64);
        String kind = Json.text(req, "kind", 16);
        double rate = number(req, "rate", 1.0, 0, 1);
        FaultSpec spec;
        ObjectNode shown = Json.object().put("target", target).put("kind", kind).put("rate", rate);
        switch (kind) {
            case "latency" -> {
                if (!req.has("latencyMs")) {
                    throw ApiException.badRequest("a latency fault needs 'latencyMs' (0 to " + MAX_LATENCY.toMillis() + ")");
                }
                long ms = (long) number(req, "latencyMs", 0, 0, MAX_LATENCY.toMillis());
                long jitter = (long) number(req, "jitterMs", 0, 0, MAX_LATENCY.toMillis());
                spec = new Latency(rate, Duration.ofMillis(ms), Duration.ofMillis(jitter));
                shown.put("latencyMs", ms).put("jitterMs", jitter);
            }
            case "error" -> {
                if (req.has("latencyMs") || req.has("jitterMs")) {
                    throw ApiException.badRequest("an error fault takes no 'latencyMs' or 'jitterMs'");
                }
                spec = FaultSpec.exception(rate);
            }
            default -> throw ApiException.badRequest("kind '" + kind + "' is not one of latency, error");
        }
        faults.enable(target, spec);
        boolean calls = registry.pipelines().stream().anyMatch(p -> p.name().equals(target));
        shown.put("pipeline", calls);
        active.put(target, shown);
        log.warn("fault ON: {} calls to {}: {}", service, target, shown);
        ObjectNode body = shown.deepCopy().put("service", service);
        if (!calls) {
            body.put("note", service + " has no pipeline '" + target + "' yet: the fault applies once it calls " + target);
        }
        Http.json(c, 200, body);
    }

    private void clear(Context c, String target) {
        if (target == null) {
            faults.disableAll();
            active.clear();
        } else {
            faults.disable(target);
            active.remove(target);
        }
        log.warn("fault OFF: {} calls to {}", service, target == null ? "every peer" : target);
        Http.json(c, 200, Json.object().put("service", service).put("cleared", target == null ? "all" : target));
    }

    private static double number(JsonNode req, String field, double dflt, double min, double max) {
        JsonNode v = req.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw ApiException.badRequest("field '" + field + "' must be a number from " + fmt(min) + " to " + fmt(max)
                    + ", was " + v);
        }
        return v.asDouble();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
