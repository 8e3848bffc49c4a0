package dev.sinew.console.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.console.Console;
import dev.sinew.console.scrape.Target;
import dev.sinew.console.security.AdminToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The game day control over real HTTP with a stand-in runner (a shell script that prints its
 * arguments and, on SIGTERM, "rolls back" by writing a file, as the real runner's shutdown hook
 * does): refusals (token, chaos off, confirmation, bad body, incident open, already running),
 * start, state, stop, the report link, audit and timeline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GamedayApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "test-token-gameday-0123456789";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String RUNNER = """
            #!/bin/sh
            echo "runner args: $*"
            out=""; targets=""
            while [ $# -gt 0 ]; do
              case "$1" in --out) out="$2";; --targets) targets="$2";; esac
              shift
            done
            trap 'echo "rolling back"; touch "$out/rolled-back"; exit 143' TERM
            if [ "$targets" = "quick" ]; then
              echo "<html>report</html>" > "$out/gameday.html"; echo "verdict READY"; exit 0
            fi
            echo "experiment running"
            while true; do sleep 0.1; done
            """;

    @TempDir
    static Path dir;
    static FakeService service;
    static Console on;
    static Console off;

    static Console console(String name, boolean chaos) throws Exception {
        Path script = dir.resolve("runner.sh");
        Files.writeString(script, RUNNER);
        return Console.builder().dataDir(dir.resolve(name)).token(AdminToken.of(TOKEN))
                .target(Target.of("gateway", service.url()))
                .probeStep("browse", s -> "ok")
                .gameday(List.of("sh", script.toString(), "--attach", "--data-dir", dir.resolve("shop").toString()))
                .gamedayStopGrace(Duration.ofSeconds(10))
                .faults(null, chaos)
                .build().start();
    }

    @BeforeAll
    static void setUp() throws Exception {
        service = new FakeService(TOKEN);
        on = console("on", true);
        off = console("off", false);
    }

    @AfterAll
    static void tearDown() {
        for (Console c : new Console[] {on, off}) {
            if (c != null) {
                c.close();
            }
        }
        service.close();
    }

    record Reply(int status, JsonNode json) {
        String error() {
            return json.path("error").asText();
        }
    }

    static Reply call(Console c, String method, String path, String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        String text = r.body();
        return new Reply(r.statusCode(), text.startsWith("{") ? JSON.readTree(text) : JSON.createObjectNode().put("raw", text));
    }

    static Reply admin(Console c, String method, String path, String body) throws Exception {
        return call(c, method, path, body, true);
    }

    @Test
    @Order(1)
    void refusesWithoutTokenWhenChaosIsOffWithoutConfirmationAndWithABadBody() throws Exception {
        for (String[] r : new String[][] {{"GET", "/api/gameday"}, {"POST", "/api/gameday/start"},
            {"POST", "/api/gameday/stop"}, {"GET", "/api/gameday/report"}}) {
            assertThat(call(on, r[0], r[1], "{\"confirm\":true}", false).status()).as(r[1]).isEqualTo(401);
        }
        Reply chaosOff = admin(off, "POST", "/api/gameday/start", "{\"targets\":\"payment\",\"faults\":\"freeze\",\"confirm\":true}");
        assertThat(chaosOff.status()).isEqualTo(403);
        assertThat(chaosOff.error()).isEqualTo("chaos_disabled");
        assertThat(admin(off, "GET", "/api/gameday", null).json().path("enabled").asBoolean()).isFalse();
        assertThat(admin(on, "POST", "/api/gameday/start", "{\"targets\":\"payment\",\"faults\":\"freeze\"}").error())
                .isEqualTo("confirmation_required");
        for (String bad : new String[] {"{\"confirm\":true}", "{\"targets\":\"payment\",\"confirm\":true}",
            "{\"experiment\":\"x.json\",\"confirm\":true}", "{\"experiment\":{},\"targets\":\"a\",\"faults\":\"b\",\"confirm\":true}",
            "{\"targets\":\"pay ment; rm\",\"faults\":\"freeze\",\"confirm\":true}", "{\"targets\":1,\"faults\":\"freeze\",\"confirm\":true}"}) {
            Reply r = admin(on, "POST", "/api/gameday/start", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("message").asText()).as(bad).isNotBlank();
        }
        assertThat(admin(on, "POST", "/api/gameday/stop", "{\"confirm\":true}").status()).isEqualTo(409);
        assertThat(admin(on, "GET", "/api/gameday", null).json().path("state").asText()).isEqualTo("idle");
        assertThat(admin(on, "GET", "/api/gameday/report", null).status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aFinishedRunShowsItsVerdictAndServesItsReport() throws Exception {
        Reply started = admin(on, "POST", "/api/gameday/start", "{\"targets\":\"quick\",\"faults\":\"freeze\",\"confirm\":true}");
        assertThat(started.status()).as(started.json().toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin(on, "GET", "/api/gameday", null).json().path("state").asText()
                .equals("finished"));
        JsonNode s = admin(on, "GET", "/api/gameday", null).json();
        assertThat(s.path("verdict").asText()).isEqualTo("READY");
        assertThat(s.path("lastLines").toString()).contains("--attach --data-dir").contains("--targets quick --faults freeze --out")
                .contains("verdict READY");
        assertThat(s.path("reportUrl").asText()).isEqualTo("/api/gameday/report");
        assertThat(admin(on, "GET", "/api/gameday/report", null).json().path("raw").asText()).contains("<html>report</html>");
    }

    @Test
    @Order(3)
    void stopSendsSigtermSoTheRunnerRollsBackAndOneRunsAtATime() throws Exception {
        String experiment = "{\"title\":\"catalog frozen\",\"method\":[{\"fault\":\"freeze\",\"target\":\"catalog\"}]}";
        Reply started = admin(on, "POST", "/api/gameday/start", "{\"experiment\":" + experiment + ",\"confirm\":true}");
        assertThat(started.status()).as(started.json().toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin(on, "GET", "/api/gameday", null).json().path("lastLines")
                .toString().contains("experiment running"));
        JsonNode running = admin(on, "GET", "/api/gameday", null).json();
        assertThat(running.path("state").asText()).isEqualTo("running");
        Path out = Path.of(running.path("out").asText());
        assertThat(JSON.readTree(Files.readString(out.resolve("experiment.json"))).path("title").asText()).isEqualTo("catalog frozen");
        Reply twice = admin(on, "POST", "/api/gameday/start", "{\"targets\":\"payment\",\"faults\":\"freeze\",\"confirm\":true}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.error()).isEqualTo("gameday_running");

        assertThat(admin(on, "POST", "/api/gameday/stop", "{\"confirm\":true}").status()).isEqualTo(200);
        assertThat(out.resolve("rolled-back")).as("the runner got SIGTERM and rolled back").exists();
        await().atMost(Duration.ofSeconds(5)).until(() -> admin(on, "GET", "/api/gameday", null).json().path("state").asText()
                .equals("finished"));
        JsonNode s = admin(on, "GET", "/api/gameday", null).json();
        assertThat(s.path("verdict").asText()).isEqualTo("STOPPED");
        assertThat(s.path("lastLines").toString()).contains("rolling back");
        assertThat(on.audit().recent(50)).extracting(e -> e.action() + " " + e.result())
                .contains("gameday.start ok", "gameday.stop ok").anyMatch(t -> t.startsWith("gameday.start refused"));
    }

    @Test
    @Order(4)
    void startIsRefusedWhileAnIncidentIsOpenAndGoesOnItsTimeline() throws Exception {
        assertThat(admin(on, "POST", "/api/incidents", "{\"title\":\"real outage\"}").status()).isEqualTo(201);
        Reply refused = admin(on, "POST", "/api/gameday/start", "{\"targets\":\"payment\",\"faults\":\"freeze\",\"confirm\":true}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).isEqualTo("incident_open");
        assertThat(admin(on, "GET", "/api/gameday", null).json().path("blockedByIncident").asBoolean()).isTrue();
        String id = on.incidents().current().orElseThrow().id();
        assertThat(on.incidents().get(id).timeline()).extracting(e -> e.kind() + ": " + e.text())
                .anyMatch(t -> t.startsWith("fault: game day start refused"));
    }
}
