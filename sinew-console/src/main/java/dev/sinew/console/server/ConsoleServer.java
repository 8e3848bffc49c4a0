package dev.sinew.console.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.console.Console;
import dev.sinew.console.admin.AdminException;
import dev.sinew.console.gameday.GamedayControl;
import dev.sinew.console.history.HistoryPoint;
import dev.sinew.console.incident.ExperimentExport;
import dev.sinew.console.incident.Incident;
import dev.sinew.console.incident.Postmortem;
import dev.sinew.console.verify.Verification;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The console's HTTP side: the page ({@code GET /}), the login form, the live stream
 * ({@code GET /api/stream}, server-sent events, one {@code state} event per round), history,
 * controls, verification, incidents, the audit log and the console's own metrics. Every route but
 * the login form needs the admin token (see {@link ConsoleAuth}); a refusal is 401 JSON, or a
 * redirect to the form for a browser asking for the page. Every control needs
 * {@code "confirm": true} in its body, so a stray request changes nothing.
 */
public final class ConsoleServer {

    private static final int MAX_BODY = 64 * 1024;

    private final Console console;
    private final ConsoleAuth auth;
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final byte[] page;
    private final byte[] loginPage;
    private Javalin app;

    private ConsoleServer(Console console) {
        this.console = console;
        this.auth = new ConsoleAuth(console.token());
        this.page = resource("/console/index.html");
        this.loginPage = resource("/console/login.html");
    }

    public static ConsoleServer start(Console console, String bindAddress, int port) {
        ConsoleServer s = new ConsoleServer(console);
        s.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = MAX_BODY;
            s.routes(cfg.routes);
        });
        s.app.start(bindAddress, port);
        return s;
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        for (SseClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        app.stop();
    }

    /** Sends the current state to every open page. */
    public void broadcast() {
        if (clients.isEmpty()) {
            return;
        }
        String json = state().toString();
        Iterator<SseClient> it = clients.iterator();
        while (it.hasNext()) {
            SseClient c = it.next();
            if (c.terminated()) {
                clients.remove(c);
                continue;
            }
            try {
                c.sendEvent("state", json);
            } catch (RuntimeException e) {
                clients.remove(c);
            }
        }
    }

    private ObjectNode state() {
        Map<String, Object> controls = new LinkedHashMap<>(console.controls().state());
        controls.put("faults", console.faults().state());
        controls.put("gameday", console.gameday().state());
        return StateJson.of(console.snapshot(), console.openAlerts(), console.incidents().current(), controls,
                console.prober().last());
    }

    private void routes(io.javalin.config.RoutesConfig r) {
        r.before(ctx -> {
            if (ConsoleAuth.PUBLIC.contains(ctx.path()) || auth.allowed(ctx)) {
                return;
            }
            String accept = ctx.header("Accept");
            if (ctx.method().name().equals("GET") && !ctx.path().startsWith("/api/") && accept != null
                    && accept.contains("text/html")) {
                ctx.redirect("/login");
                ctx.skipRemainingHandlers();
                return;
            }
            error(ctx, 401, "unauthorized", "the console needs the admin token: Authorization: Bearer <token> "
                    + "or log in at /login (the token is in <data-dir>/admin-token)");
            ctx.skipRemainingHandlers();
        });
        r.get("/health/live", ctx -> ctx.json(Map.of("status", "UP", "service", "console")));
        r.get("/login", ctx -> html(ctx, loginPage));
        r.post("/login", ctx -> {
            String candidate = ctx.formParam("token");
            if (candidate == null || !auth.tokenMatches(candidate.trim())) {
                ctx.status(401).contentType("text/html; charset=utf-8")
                        .result(new String(loginPage, StandardCharsets.UTF_8).replace("<!--error-->",
                                "<p class=\"err\">That is not the admin token.</p>"));
                return;
            }
            Cookie c = new Cookie(ConsoleAuth.COOKIE, auth.sessionValue(), "/", 12 * 3600, false, true, null, SameSite.STRICT);
            ctx.cookie(c);
            ctx.redirect("/");
        });
        r.post("/logout", ctx -> {
            ctx.removeCookie(ConsoleAuth.COOKIE, "/");
            ctx.json(Map.of("status", "logged out"));
        });
        r.get("/", ctx -> html(ctx, page));
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(console.meters().scrape()));
        r.get("/api/state", ctx -> json(ctx, 200, state()));
        r.sse("/api/stream", client -> {
            client.keepAlive();
            client.onClose(() -> clients.remove(client));
            clients.add(client);
            client.sendEvent("state", state().toString());
        });
        r.get("/api/history", this::history);
        r.get("/api/alerts", ctx -> json(ctx, 200, StateJson.JSON.valueToTree(Map.of("alerts", console.openAlerts()))));
        r.get("/api/controls", ctx -> json(ctx, 200, StateJson.JSON.valueToTree(console.controls().state())));
        r.post("/api/controls/breaker", ctx -> {
            JsonNode b = confirmed(ctx);
            String text = console.controls().breaker(auth.actor(ctx), ctx.ip(), text(b, "service"), text(b, "pipeline"),
                    text(b, "action"));
            done(ctx, text);
        });
        r.post("/api/controls/switch", ctx -> {
            JsonNode b = confirmed(ctx);
            done(ctx, console.controls().degrade(auth.actor(ctx), ctx.ip(), text(b, "name"), bool(b, "on")));
        });
        r.post("/api/controls/read-only", ctx -> {
            JsonNode b = confirmed(ctx);
            int retryAfter = b.path("retryAfterSeconds").asInt(5);
            done(ctx, console.controls().readOnly(auth.actor(ctx), ctx.ip(), bool(b, "on"), retryAfter));
        });
        r.post("/api/controls/config", ctx -> {
            JsonNode b = confirmed(ctx);
            JsonNode s = b.path("settings");
            if (!s.isObject()) {
                throw new AdminException(400, "invalid_settings", "settings: expected an object such as "
                        + "{\"breaker.failure-rate-threshold\": \"30\"}");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            s.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            done(ctx, console.controls().configure(auth.actor(ctx), ctx.ip(), text(b, "service"), text(b, "pipeline"), settings));
        });
        r.post("/api/faults", ctx -> {
            JsonNode b = confirmed(ctx);
            done(ctx, console.faults().apply(auth.actor(ctx), ctx.ip(), text(b, "node"), text(b, "action")));
        });
        r.get("/api/gameday", ctx -> json(ctx, 200, StateJson.JSON.valueToTree(console.gameday().state())));
        r.post("/api/gameday/start", ctx -> {
            JsonNode b = confirmed(ctx);
            done(ctx, console.gameday().start(auth.actor(ctx), ctx.ip(), gamedayRequest(b)));
        });
        r.post("/api/gameday/stop", ctx -> {
            confirmed(ctx);
            done(ctx, console.gameday().stop(auth.actor(ctx), ctx.ip()));
        });
        r.get("/api/gameday/report", ctx -> {
            java.nio.file.Path html = console.gameday().report();
            if (html == null) {
                error(ctx, 404, "not_found", "no finished game day with an HTML report");
                return;
            }
            ctx.contentType("text/html; charset=utf-8").result(java.nio.file.Files.readAllBytes(html));
        });
        r.post("/api/verify", ctx -> {
            Verification v = console.verify(auth.actor(ctx));
            json(ctx, 200, StateJson.JSON.valueToTree(v));
        });
        r.get("/api/verify/last", ctx -> {
            Verification v = console.prober().last();
            if (v == null) {
                error(ctx, 404, "not_found", "no verification has run yet");
                return;
            }
            json(ctx, 200, StateJson.JSON.valueToTree(v));
        });
        r.get("/api/incidents", ctx -> json(ctx, 200, StateJson.JSON.valueToTree(Map.of("incidents", console.incidents().list()))));
        r.post("/api/incidents", ctx -> {
            JsonNode b = body(ctx);
            Incident i = console.incidents().open(b.path("title").asText(null), "operator (" + auth.actor(ctx) + ")",
                    System.currentTimeMillis());
            json(ctx, 201, StateJson.JSON.valueToTree(i));
        });
        r.get("/api/incidents/{id}", ctx -> json(ctx, 200, StateJson.JSON.valueToTree(console.incidents().get(ctx.pathParam("id")))));
        r.post("/api/incidents/{id}/fields", ctx -> {
            JsonNode b = body(ctx);
            Map<String, String> fields = new LinkedHashMap<>();
            b.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            json(ctx, 200, StateJson.JSON.valueToTree(console.incidents().update(ctx.pathParam("id"), fields)));
        });
        r.post("/api/incidents/{id}/notes", ctx -> {
            JsonNode b = body(ctx);
            String text = b.path("text").asText("");
            if (text.isBlank() || text.length() > 2000) {
                throw new AdminException(400, "invalid_note", "text: expected 1 to 2000 characters");
            }
            Incident i = console.incidents().get(ctx.pathParam("id"));
            if (!i.open()) {
                throw new AdminException(409, "not_open", "incident " + i.id() + " is resolved");
            }
            console.incidents().record(System.currentTimeMillis(), "note", text);
            json(ctx, 200, StateJson.JSON.valueToTree(console.incidents().get(i.id())));
        });
        r.post("/api/incidents/{id}/resolve", ctx -> {
            Incident i = console.incidents().resolve(ctx.pathParam("id"), "operator (" + auth.actor(ctx) + ")",
                    console.prober().last(), System.currentTimeMillis());
            json(ctx, 200, StateJson.JSON.valueToTree(i));
        });
        r.get("/api/incidents/{id}/postmortem.md", ctx -> {
            Incident i = console.incidents().get(ctx.pathParam("id"));
            ctx.header("Content-Disposition", "attachment; filename=\"postmortem-" + i.id() + ".md\"");
            ctx.contentType("text/markdown; charset=utf-8").result(Postmortem.markdown(i));
        });
        r.get("/api/incidents/{id}/experiment.json", ctx -> {
            Incident i = console.incidents().get(ctx.pathParam("id"));
            if (!ExperimentExport.hasFaults(i)) {
                throw new AdminException(404, "no_faults", "incident " + i.id() + " has no fault injected from the console to replay");
            }
            ctx.header("Content-Disposition", "attachment; filename=\"experiment-" + i.id() + ".json\"");
            ctx.contentType("application/json").result(ExperimentExport.json(i, System.currentTimeMillis()));
        });
        r.get("/api/audit", ctx -> json(ctx, 200, StateJson.JSON.valueToTree(Map.of("entries", console.audit().recent(200)))));

        r.exception(AdminException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal_error", e.toString()));
        r.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
            }
        });
    }

    private void history(Context ctx) {
        String edge = ctx.queryParam("edge");
        int minutes;
        try {
            minutes = Integer.parseInt(ctx.queryParamAsClass("minutes", String.class).getOrDefault("60"));
        } catch (NumberFormatException e) {
            throw AdminException.badRequest("invalid_minutes", "minutes: expected a whole number from 1 to 60");
        }
        if (minutes < 1 || minutes > 60) {
            throw AdminException.badRequest("invalid_minutes", "minutes: expected a whole number from 1 to 60");
        }
        long from = System.currentTimeMillis() - minutes * 60_000L;
        ObjectNode out = StateJson.JSON.createObjectNode();
        ObjectNode edges = out.putObject("edges");
        List<String> ids = edge == null ? console.history().edgeIds() : List.of(edge);
        for (String id : ids) {
            ArrayNode arr = edges.putArray(id);
            for (HistoryPoint p : console.history().points(id, from)) {
                ArrayNode a = arr.addArray().add(p.t()).add(p.rate()).add(p.err());
                if (Double.isNaN(p.p99())) {
                    a.addNull();
                } else {
                    a.add(p.p99());
                }
                a.add(p.breaker());
            }
        }
        json(ctx, 200, out);
    }

    private static JsonNode body(Context ctx) {
        String raw = ctx.body();
        if (raw.isBlank()) {
            return StateJson.JSON.createObjectNode();
        }
        try {
            JsonNode n = StateJson.JSON.readTree(raw);
            if (!n.isObject()) {
                throw AdminException.badRequest("malformed_json", "expected a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw AdminException.badRequest("malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode confirmed(Context ctx) {
        JsonNode b = body(ctx);
        if (!b.path("confirm").asBoolean(false)) {
            throw AdminException.badRequest("confirmation_required", "this changes the running system: send \"confirm\": true");
        }
        return b;
    }

    private static GamedayControl.Request gamedayRequest(JsonNode b) {
        JsonNode exp = b.path("experiment");
        if (!exp.isMissingNode()) {
            if (!exp.isObject() || !b.path("targets").isMissingNode() || !b.path("faults").isMissingNode()) {
                throw AdminException.badRequest("invalid_gameday", "experiment: expected an experiment object (docs/CHAOS.md), "
                        + "and not together with targets/faults");
            }
            return new GamedayControl.Request(exp.toString(), null, null);
        }
        if (!b.path("targets").isTextual() || !b.path("faults").isTextual()) {
            throw AdminException.badRequest("invalid_gameday", "expected {\"experiment\": {...}} or {\"targets\": \"payment\", \"faults\": \"freeze\"}");
        }
        return new GamedayControl.Request(null, b.path("targets").asText(), b.path("faults").asText());
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.path(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw AdminException.badRequest("missing_" + field, field + ": required");
        }
        return n.asText();
    }

    private static boolean bool(JsonNode b, String field) {
        JsonNode n = b.path(field);
        if (!n.isBoolean()) {
            throw AdminException.badRequest("missing_" + field, field + ": required, true or false");
        }
        return n.asBoolean();
    }

    private static void done(Context ctx, String text) {
        json(ctx, 200, StateJson.JSON.createObjectNode().put("status", "applied").put("message", text));
    }

    private static void html(Context ctx, byte[] body) {
        ctx.contentType("text/html; charset=utf-8");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
        ctx.result(body);
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    static void error(Context ctx, int status, String code, String message) {
        json(ctx, status, StateJson.JSON.createObjectNode().put("error", code).put("message", message));
    }

    private static byte[] resource(String path) {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
