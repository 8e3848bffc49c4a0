package dev.sinew.console.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.console.Console;
import dev.sinew.console.admin.AdminException;
import dev.sinew.console.control.DegradationSwitch;
import dev.sinew.console.control.FaultInjector;
import dev.sinew.console.scrape.Target;
import dev.sinew.console.security.AdminToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP API on a real server against two stand-in services over real HTTP: every
 * route refuses without the token, the login form and its cookie, controls need confirmation and
 * are audited, alerts open an incident, resolving needs a passing verification, the postmortem,
 * chaos refused during an incident, and history, incidents and audit surviving a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "test-token-0123456789abcdef";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dir;
    static FakeService gateway;
    static FakeService catalog;
    static Console console;
    static final AtomicBoolean probePasses = new AtomicBoolean(true);
    static final List<String> faults = new CopyOnWriteArrayList<>();

    static String gatewayMetrics(int calls, String breaker) {
        return "sinew_calls_seconds_count{pipeline=\"catalog\",outcome=\"success\"} " + calls + "\n"
                + "sinew_breaker_state{pipeline=\"catalog\",policy=\"breaker\",state=\"closed\"} " + ("closed".equals(breaker) ? 1 : 0) + "\n"
                + "sinew_breaker_state{pipeline=\"catalog\",policy=\"breaker\",state=\"open\"} " + ("open".equals(breaker) ? 1 : 0) + "\n";
    }

    static Console start() {
        return Console.builder().dataDir(dir.resolve("console")).token(AdminToken.of(TOKEN))
                .target(Target.of("gateway", gateway.url())).target(Target.of("catalog", catalog.url()))
                .degradationSwitch(new DegradationSwitch("catalog-from-cache", "stale catalog",
                        List.of(new DegradationSwitch.Edge("gateway", "catalog"))))
                .readOnlyService("gateway")
                .probeStep("browse", s -> "ok")
                .probeStep("order", s -> {
                    if (!probePasses.get()) {
                        throw new IllegalStateException("order answered 503");
                    }
                    return "PAID";
                })
                .faults(new FaultInjector() {
                    @Override
                    public List<String> nodes() {
                        return List.of("gateway", "catalog");
                    }

                    @Override
                    public void apply(String node, String action) {
                        if (node.equals("gateway") && action.equals("start")) {
                            throw new AdminException(502, "launcher_refused", "gateway is running");
                        }
                        faults.add(action + " " + node);
                    }
                }, true)
                .build().start();
    }

    @BeforeAll
    static void setUp() throws Exception {
        gateway = new FakeService(TOKEN);
        catalog = new FakeService(TOKEN);
        gateway.metrics = gatewayMetrics(0, "closed");
        console = start();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.rounds() >= 2);
    }

    @AfterAll
    static void tearDown() {
        if (console != null) {
            console.close();
        }
        gateway.close();
        catalog.close();
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(console.url() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static Reply admin(String method, String path, String body) throws Exception {
        return call(method, path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    }

    @Test
    @Order(1)
    void everyRouteRefusesWithoutTheToken() throws Exception {
        String[][] routes = {{"GET", "/"}, {"GET", "/api/state"}, {"GET", "/api/stream"}, {"GET", "/api/history"},
            {"GET", "/api/alerts"}, {"GET", "/api/controls"}, {"POST", "/api/controls/breaker"},
            {"POST", "/api/controls/switch"}, {"POST", "/api/controls/read-only"}, {"POST", "/api/controls/config"},
            {"POST", "/api/faults"}, {"POST", "/api/verify"}, {"GET", "/api/verify/last"}, {"GET", "/api/incidents"},
            {"POST", "/api/incidents"}, {"GET", "/api/incidents/x"}, {"POST", "/api/incidents/x/resolve"},
            {"POST", "/api/incidents/x/notes"}, {"POST", "/api/incidents/x/fields"}, {"GET", "/api/incidents/x/postmortem.md"},
            {"GET", "/api/audit"}, {"GET", "/metrics"}, {"GET", "/nothing-here"}};
        for (String[] r : routes) {
            Reply none = call(r[0], r[1], "{\"confirm\":true}");
            assertThat(none.status()).as(r[0] + " " + r[1]).isEqualTo(401);
            assertThat(none.json().path("error").asText()).isEqualTo("unauthorized");
            Reply wrong = call(r[0], r[1], "{\"confirm\":true}", "Authorization", "Bearer " + TOKEN + "x");
            assertThat(wrong.status()).as(r[0] + " " + r[1] + " wrong token").isEqualTo(401);
            Reply cookie = call(r[0], r[1], "{\"confirm\":true}", "Cookie", ConsoleAuth.COOKIE + "=" + TOKEN);
            assertThat(cookie.status()).as("the token itself is not a session cookie").isEqualTo(401);
        }
        assertThat(faults).as("nothing happened").isEmpty();
        assertThat(console.audit().recent(10)).isEmpty();
        Reply page = call("GET", "/", null, "Accept", "text/html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.raw().headers().firstValue("Location")).hasValue("/login");
        assertThat(call("GET", "/login", null).body()).contains("name=\"token\"");
    }

    @Test
    @Order(2)
    void theLoginFormSetsASessionCookieThatOpensThePage() throws Exception {
        Reply bad = call("POST", "/login", "token=nope", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.raw().headers().firstValue("Set-Cookie")).isEmpty();
        Reply ok = call("POST", "/login", "token=" + TOKEN, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(ok.status()).isEqualTo(302);
        String setCookie = ok.raw().headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").doesNotContain(TOKEN);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Reply page = call("GET", "/", null, "Cookie", cookie);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Service map").doesNotContain("<script src", "<link", "@import");
        assertThat(call("GET", "/api/state", null, "Cookie", cookie).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void theStreamPushesTheStateEverySecond() throws Exception {
        HttpResponse<java.io.InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(console.url() + "/api/stream"))
                .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            int events = 0;
            long t0 = System.nanoTime();
            String line;
            while (events < 3 && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    JsonNode state = JSON.readTree(line.substring(6));
                    assertThat(state.path("services")).hasSize(2);
                    assertThat(state.path("edges").get(0).path("id").asText()).isEqualTo("gateway/catalog");
                    events++;
                }
            }
            assertThat(events).isEqualTo(3);
            assertThat((System.nanoTime() - t0) / 1e9).as("3 events, 1 s apart").isLessThan(4.5);
        }
    }

    @Test
    @Order(4)
    void controlsNeedConfirmationGoToTheServicesAndAreAudited() throws Exception {
        Reply unconfirmed = admin("POST", "/api/controls/breaker", "{\"service\":\"gateway\",\"pipeline\":\"catalog\",\"action\":\"open\"}");
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(unconfirmed.json().path("error").asText()).isEqualTo("confirmation_required");
        assertThat(gateway.adminCalls).isEmpty();

        Reply open = admin("POST", "/api/controls/breaker", "{\"service\":\"gateway\",\"pipeline\":\"catalog\",\"action\":\"open\",\"confirm\":true}");
        assertThat(open.status()).isEqualTo(200);
        assertThat(gateway.adminCalls).containsExactly("/admin/breakers/catalog {\"action\":\"open\"}");
        assertThat(admin("POST", "/api/controls/switch", "{\"name\":\"catalog-from-cache\",\"on\":true,\"confirm\":true}").status()).isEqualTo(200);
        assertThat(admin("POST", "/api/controls/read-only", "{\"on\":true,\"retryAfterSeconds\":9,\"confirm\":true}").status()).isEqualTo(200);
        assertThat(admin("POST", "/api/controls/config",
                "{\"service\":\"gateway\",\"pipeline\":\"catalog\",\"settings\":{\"retry.max-attempts\":\"1\"},\"confirm\":true}").status()).isEqualTo(200);
        assertThat(gateway.adminCalls).containsExactly(
                "/admin/breakers/catalog {\"action\":\"open\"}",
                "/admin/switches/catalog {\"off\":true}",
                "/admin/read-only {\"on\":true,\"retryAfterSeconds\":9}",
                "/admin/pipelines/catalog/settings {\"settings\":{\"retry.max-attempts\":\"1\"}}");

        Reply refused = admin("POST", "/api/controls/breaker", "{\"service\":\"gateway\",\"pipeline\":\"missing\",\"action\":\"open\",\"confirm\":true}");
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.json().path("message").asText()).contains("no pipeline 'missing'");
        assertThat(admin("POST", "/api/controls/switch", "{\"name\":\"nope\",\"on\":true,\"confirm\":true}").status()).isEqualTo(404);
        assertThat(admin("POST", "/api/controls/breaker", "{\"service\":\"nobody\",\"pipeline\":\"x\",\"action\":\"open\",\"confirm\":true}").status()).isEqualTo(404);
        assertThat(admin("POST", "/api/controls/config", "{\"service\":\"gateway\",\"pipeline\":\"catalog\",\"settings\":3,\"confirm\":true}").status()).isEqualTo(400);
        assertThat(admin("POST", "/api/controls/read-only", "{not json").json().path("error").asText()).isEqualTo("malformed_json");

        JsonNode audit = admin("GET", "/api/audit", null).json().path("entries");
        assertThat(audit).as("4 applied, 3 refused by a service or the console; bad input is not an action").hasSize(7);
        assertThat(audit.get(0).path("result").asText()).startsWith("refused: no service 'nobody'");
        assertThat(audit.get(2).path("result").asText()).contains("no pipeline 'missing'");
        assertThat(audit.get(6).path("action").asText()).isEqualTo("breaker.open");
        assertThat(audit.get(6).path("result").asText()).isEqualTo("ok");
        assertThat(audit.get(6).path("actor").asText()).isEqualTo("admin-token");
        assertThat(Files.readAllLines(console.audit().file())).hasSize(7);

        // the gateway "restarts" and forgets read-only mode: the console asks again, as its own audited action
        gateway.readOnly = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.readOnly && console.audit().recent(1).get(0).action().equals("reapply"));
        assertThat(gateway.adminCalls).last().isEqualTo("/admin/read-only {\"on\":true,\"retryAfterSeconds\":9}");
        JsonNode reapplied = admin("GET", "/api/audit", null).json().path("entries").get(0);
        assertThat(reapplied.path("action").asText()).isEqualTo("reapply");
        assertThat(reapplied.path("actor").asText()).isEqualTo("console");
        assertThat(reapplied.path("params").path("what").asText()).isEqualTo("read-only mode on gateway again");
    }

    @Test
    @Order(5)
    void aPagingAlertOpensAnIncidentThatResolvesOnlyAfterAPassingVerification() throws Exception {
        gateway.diagnose = "{\"verdict\":\"catalog: breaker OPEN since 12:00:00 (92% failures, TimeoutExceededException)\","
                + "\"dependencies\":[{\"name\":\"catalog\",\"exampleFailedTraceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}]}";
        gateway.metrics = gatewayMetrics(10, "open");
        await().atMost(Duration.ofSeconds(5)).until(() -> console.incidents().current().isPresent());
        JsonNode alerts = admin("GET", "/api/alerts", null).json().path("alerts");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.path("kind").asText()).isEqualTo("breaker_open");
            assertThat(a.path("service").asText()).isEqualTo("catalog");
            assertThat(a.path("instance").asText()).isEqualTo(catalog.url().substring(7));
            assertThat(a.path("observedBy").asText()).isEqualTo("gateway");
            assertThat(a.path("why").asText()).contains("TimeoutExceededException");
            assertThat(a.path("exampleTraceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        });
        String id = console.incidents().current().orElseThrow().id();
        assertThat(admin("POST", "/api/incidents", "{\"title\":\"second\"}").status()).as("one at a time").isEqualTo(409);

        Reply early = admin("POST", "/api/incidents/" + id + "/resolve", null);
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.json().path("error").asText()).isEqualTo("verification_required");

        probePasses.set(false);
        JsonNode failed = admin("POST", "/api/verify", null).json();
        assertThat(failed.path("passed").asBoolean()).isFalse();
        assertThat(failed.path("steps").get(1).path("status").asText()).isEqualTo("fail");
        assertThat(failed.path("steps").get(1).path("detail").asText()).isEqualTo("order answered 503");
        assertThat(admin("POST", "/api/incidents/" + id + "/resolve", null).json().path("message").asText()).contains("failed");

        gateway.metrics = gatewayMetrics(20, "closed");
        probePasses.set(true);
        assertThat(admin("POST", "/api/verify", null).json().path("passed").asBoolean()).isTrue();
        assertThat(admin("POST", "/api/incidents/" + id + "/notes", "{\"text\":\"catalog thawed\"}").status()).isEqualTo(200);
        assertThat(admin("POST", "/api/incidents/" + id + "/fields", "{\"rootCause\":\"catalog was frozen\",\"impact\":\"none: stale catalog\"}").status()).isEqualTo(200);
        assertThat(admin("POST", "/api/incidents/" + id + "/fields", "{\"color\":\"red\"}").status()).isEqualTo(400);
        Reply resolved = admin("POST", "/api/incidents/" + id + "/resolve", null);
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json().path("status").asText()).isEqualTo("RESOLVED");
        assertThat(admin("POST", "/api/incidents/" + id + "/resolve", null).status()).isEqualTo(409);

        assertThat(admin("GET", "/api/incidents/" + id + "/experiment.json", null).json().path("error").asText()).isEqualTo("no_faults");
        Reply md = admin("GET", "/api/incidents/" + id + "/postmortem.md", null);
        assertThat(md.raw().headers().firstValue("Content-Disposition").orElseThrow()).contains("postmortem-" + id + ".md");
        assertThat(md.body()).contains("# Postmortem: ", "## Summary", "## Impact\n\nnone: stale catalog", "## Detection",
                "## Trigger", "## Root cause\n\ncatalog was frozen", "## Resolution", "## Timeline (UTC)", "## Action items",
                "## Lessons learned", "| alert | [page] gateway's breaker to catalog is open",
                "4bf92f3577b34da6a3ce929d0e0e4736", "| breaker | breaker gateway→catalog closed → open",
                "| probe | verification", "FAILED", "PASSED", "| note | catalog thawed", "| resolved |");
    }

    @Test
    @Order(6)
    void chaosIsRefusedWhileAnIncidentIsOpenButRepairsWork() throws Exception {
        assertThat(admin("POST", "/api/faults", "{\"node\":\"catalog\",\"action\":\"freeze\",\"confirm\":true}").status()).isEqualTo(200);
        assertThat(faults).containsExactly("freeze catalog");
        assertThat(admin("POST", "/api/incidents", "{\"title\":\"catalog frozen by hand\"}").status()).isEqualTo(201);
        Reply refused = admin("POST", "/api/faults", "{\"node\":\"gateway\",\"action\":\"kill\",\"confirm\":true}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("error").asText()).isEqualTo("incident_open");
        assertThat(admin("POST", "/api/faults", "{\"node\":\"catalog\",\"action\":\"thaw\",\"confirm\":true}").status()).isEqualTo(200);
        assertThat(admin("POST", "/api/faults", "{\"node\":\"gateway\",\"action\":\"start\",\"confirm\":true}").status()).isEqualTo(502);
        assertThat(admin("POST", "/api/faults", "{\"node\":\"mars\",\"action\":\"thaw\",\"confirm\":true}").status()).isEqualTo(404);
        assertThat(admin("POST", "/api/faults", "{\"node\":\"catalog\",\"action\":\"melt\",\"confirm\":true}").status()).isEqualTo(400);
        assertThat(faults).containsExactly("freeze catalog", "thaw catalog");
        String id = console.incidents().current().orElseThrow().id();
        assertThat(console.incidents().get(id).timeline()).extracting(e -> e.kind() + ": " + e.text())
                .anyMatch(t -> t.startsWith("fault: kill gateway refused"))
                .anyMatch(t -> t.startsWith("fault: thaw catalog"));
        assertThat(admin("POST", "/api/verify", null).json().path("passed").asBoolean()).isTrue();
        assertThat(admin("POST", "/api/incidents/" + id + "/resolve", null).status()).isEqualTo(200);
        JsonNode experiment = admin("GET", "/api/incidents/" + id + "/experiment.json", null).json();
        assertThat(experiment.path("method")).as("the freeze from before the opening is part of it").singleElement()
                .satisfies(f -> {
                    assertThat(f.path("fault").asText()).isEqualTo("freeze");
                    assertThat(f.path("target").asText()).isEqualTo("catalog");
                });
        assertThat(experiment.path("rollback").get(0).path("action").asText()).isEqualTo("resume");
    }

    @Test
    @Order(7)
    void historyIncidentsAndAuditSurviveARestart() throws Exception {
        int before = console.history().points("gateway/catalog", 0).size();
        assertThat(before).isGreaterThan(3);
        int incidents = console.incidents().list().size();
        int audited = console.audit().recent(1000).size();
        console.close();
        console = start();
        JsonNode h = admin("GET", "/api/history?edge=gateway/catalog&minutes=60", null).json();
        assertThat(h.path("edges").path("gateway/catalog").size()).isGreaterThanOrEqualTo(before);
        assertThat(console.incidents().list()).hasSize(incidents).allSatisfy(i -> assertThat(i.status()).isEqualTo("RESOLVED"));
        assertThat(console.audit().recent(1000)).hasSize(audited);
        assertThat(admin("GET", "/api/history?minutes=61", null).status()).isEqualTo(400);
        String metrics = admin("GET", "/metrics", null).body();
        assertThat(metrics).contains("# HELP sinew_console_scrapes_total", "sinew_console_scrapes_total{result=\"ok\",service=\"console\"}",
                "sinew_console_round_seconds_count");
    }
}
