package dev.sinew.console.admin;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.config.ConfigException;
import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * What an operator may do to one service's pipelines, independent of any HTTP framework: force a
 * breaker open or closed or reset it, switch a pipeline off (a {@link SwitchPolicy} outermost on
 * every pipeline), turn read-only mode on, and change a pipeline's settings live through
 * {@link SinewRegistry#reconfigure} (which keeps breaker state, windows and budget tokens).
 * Every method takes effect before it returns; bad input throws {@link AdminException} naming
 * the field and what is allowed.
 */
public final class AdminActions {

    /** Breaker actions: force open, force closed (let every call through), or reset to closed. */
    public static final List<String> BREAKER_ACTIONS = List.of("open", "close", "reset");

    private static final Pattern SETTING_KEY = Pattern.compile("[a-z-]+\\.[a-z-]+");

    private final String service;
    private final SinewRegistry registry;
    private final Map<String, SwitchPolicy> switches = new ConcurrentHashMap<>();
    private final ReadOnlyMode readOnly = new ReadOnlyMode();
    private final ReentrantLock configLock = new ReentrantLock();
    private volatile Map<String, String> properties;

    /**
     * Binds the actions to {@code registry}, configured with {@code properties} (the same map it was
     * built from: live edits are applied on top of it), and adds a switch to every pipeline.
     */
    public AdminActions(String service, SinewRegistry registry, Map<String, String> properties) {
        this.service = Objects.requireNonNull(service, "service");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.properties = Map.copyOf(properties);
        registry.addOuterPolicy(name -> switches.computeIfAbsent(name, n -> new SwitchPolicy()));
    }

    public String service() {
        return service;
    }

    public ReadOnlyMode readOnly() {
        return readOnly;
    }

    /** Applies {@code action} ({@link #BREAKER_ACTIONS}) to the breaker of {@code pipeline}; returns its new state. */
    public String breaker(String pipeline, String action) {
        CircuitBreaker cb = pipeline(pipeline).policy(CircuitBreaker.class).orElseThrow(() ->
                AdminException.notFound("pipeline '" + pipeline + "' of " + service + " has no breaker"));
        switch (action == null ? "" : action) {
            case "open" -> cb.forceOpen();
            case "close" -> cb.disable();
            case "reset" -> cb.reset();
            default -> throw AdminException.badRequest("invalid_action",
                    "action: '" + action + "' is not valid; expected one of " + BREAKER_ACTIONS);
        }
        return stateName(cb);
    }

    /** Switches {@code pipeline} off (every call refused at once) or on again. */
    public void switchOff(String pipeline, boolean off) {
        pipeline(pipeline);
        SwitchPolicy s = switches.get(pipeline);
        if (s == null) {
            throw AdminException.notFound("pipeline '" + pipeline + "' of " + service + " has no switch");
        }
        s.off(off);
    }

    /**
     * Changes settings of {@code pipeline} live: keys relative to {@code sinew.pipeline.<pipeline>.}
     * such as {@code breaker.failure-rate-threshold}; a null or empty value removes an earlier
     * setting. Validated as a whole first: nothing changes if one key or value is wrong.
     *
     * @return the pipeline's effective settings afterwards
     */
    public Map<String, String> configure(String pipeline, Map<String, String> settings) {
        pipeline(pipeline);
        if (settings == null || settings.isEmpty()) {
            throw AdminException.badRequest("no_settings", "settings: expected at least one key such as "
                    + "\"breaker.failure-rate-threshold\": \"30\"");
        }
        configLock.lock();
        try {
            Map<String, String> next = new TreeMap<>(properties);
            String prefix = "sinew.pipeline." + pipeline + ".";
            for (Map.Entry<String, String> e : settings.entrySet()) {
                if (e.getKey() == null || !SETTING_KEY.matcher(e.getKey()).matches()) {
                    throw AdminException.badRequest("invalid_setting", "settings: key '" + e.getKey()
                            + "' is not valid; expected <policy>.<key>, e.g. retry.max-attempts (docs/CONFIGURATION.md)");
                }
                if (e.getValue() == null || e.getValue().isBlank()) {
                    next.remove(prefix + e.getKey());
                } else {
                    next.put(prefix + e.getKey(), e.getValue().trim());
                }
            }
            try {
                registry.reconfigure(next);
            } catch (ConfigException e) {
                throw AdminException.badRequest("invalid_setting", e.getMessage());
            }
            properties = Map.copyOf(next);
            return settings(pipeline);
        } finally {
            configLock.unlock();
        }
    }

    /** The settings that apply to {@code pipeline}: its own keys over the {@code default} ones, relative keys. */
    public Map<String, String> settings(String pipeline) {
        Map<String, String> out = new TreeMap<>();
        String def = "sinew.pipeline.default.";
        String own = "sinew.pipeline." + pipeline + ".";
        Map<String, String> p = properties;
        p.forEach((k, v) -> {
            if (k.startsWith(def)) {
                out.put(k.substring(def.length()), v);
            }
        });
        p.forEach((k, v) -> {
            if (k.startsWith(own)) {
                out.put(k.substring(own.length()), v);
            }
        });
        return out;
    }

    /** The whole admin state, for {@code GET /admin/state}: read-only mode and every pipeline. */
    public Map<String, Object> state() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("service", service);
        ReadOnlyMode.State ro = readOnly.state();
        out.put("readOnly", Map.of("on", ro.on(), "retryAfterSeconds", ro.retryAfterSeconds()));
        List<Map<String, Object>> list = new ArrayList<>();
        List<Pipeline> all = new ArrayList<>(registry.pipelines());
        all.sort(Comparator.comparing(Pipeline::name));
        for (Pipeline p : all) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("breaker", p.policy(CircuitBreaker.class).map(AdminActions::stateName).orElse("none"));
            SwitchPolicy s = switches.get(p.name());
            m.put("switchedOff", s != null && s.isOff());
            m.put("settings", settings(p.name()));
            list.add(m);
        }
        out.put("pipelines", list);
        return out;
    }

    private Pipeline pipeline(String name) {
        for (Pipeline p : registry.pipelines()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        List<String> names = registry.pipelines().stream().map(Pipeline::name).sorted().toList();
        throw AdminException.notFound("no pipeline '" + name + "' in " + service + "; it has " + names);
    }

    private static String stateName(CircuitBreaker cb) {
        return cb.state().name().toLowerCase(java.util.Locale.ROOT);
    }
}
